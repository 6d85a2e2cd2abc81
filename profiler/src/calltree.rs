//! The call tree: one node per distinct call path, each with a cycle histogram over the
//! words of its function, so cycles stay attributable to exact pcs (for inlined frames).

/// Marks the absence of a parent (a root node).
pub const NO_NODE: u32 = u32::MAX;

pub struct Node {
    pub function: u32,
    pub parent: u32,
    /// The pc in the parent that called this node (its inlined frames belong to the path).
    pub call_site: u32,
    /// Start address of the function, and cycles per word of it.
    pub start: u32,
    pub histogram: Vec<u64>,
    children: Vec<((u32, u32), u32)>,
}

#[derive(Default)]
pub struct CallTree {
    pub nodes: Vec<Node>,
    roots: Vec<((u32, u32), u32)>,
}

impl CallTree {
    /// The node for `function` (covering `[start, end)`) called from `call_site` under
    /// `parent`, made on first use.
    pub fn child(
        &mut self,
        parent: u32,
        function: u32,
        call_site: u32,
        start: u32,
        end: u32,
    ) -> u32 {
        let key = (function, call_site);
        let siblings = if parent == NO_NODE {
            &self.roots
        } else {
            &self.nodes[parent as usize].children
        };
        if let Some(&(_, node)) = siblings.iter().find(|(k, _)| *k == key) {
            return node;
        }
        let node = self.nodes.len() as u32;
        let words = ((end - start) / 4).max(1) as usize;
        self.nodes.push(Node {
            function,
            parent,
            call_site,
            start,
            histogram: vec![0; words],
            children: Vec::new(),
        });
        let siblings = if parent == NO_NODE {
            &mut self.roots
        } else {
            &mut self.nodes[parent as usize].children
        };
        siblings.push((key, node));
        node
    }

    /// The nodes from the root down to `node`.
    pub fn path(&self, mut node: u32) -> Vec<&Node> {
        let mut path = Vec::new();
        while node != NO_NODE {
            path.push(&self.nodes[node as usize]);
            node = self.nodes[node as usize].parent;
        }
        path.reverse();
        path
    }
}
