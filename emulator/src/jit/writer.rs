//! Where a block is assembled: straight into executable memory, after the code already
//! there, by the hand encoder (`x64`) and by dynasm (whose assembler API it implements),
//! keeping its label and relocation storage from block to block. dynasm's `VecAssembler`
//! assembles into a vector of its own, made for one base address: with it, a block cost
//! several allocations and a copy (about a fifth of compile time on the guest OS).

use dynasmrt::components::{LabelRegistry, PatchLoc};
use dynasmrt::relocations::Relocation;
use dynasmrt::x64::X64Relocation;
use dynasmrt::{AssemblyOffset, DynamicLabel, DynasmApi, DynasmLabelApi};

pub(crate) struct Writer {
    /// Where the block starts, and the bytes it may take.
    start: *mut u8,
    room: usize,
    /// Bytes assembled (also past `room`, where nothing is written).
    len: usize,
    labels: LabelRegistry,
    /// dynasm's references to labels, resolved when the block is finished.
    relocations: Vec<(PatchLoc<X64Relocation>, DynamicLabel)>,
    /// `x64`'s references to labels, resolved likewise: where each 32-bit displacement
    /// lies in the block, relative to its own end. (dynasm's general form, `PatchLoc`, cost
    /// 7 % more instructions of compiling when every jump took it.)
    displacements: Vec<(usize, DynamicLabel)>,
    /// Whether the block cannot be used: it outgrew its room, defined a label twice, used
    /// a static label, or a relocation cannot reach.
    failed: bool,
}

impl Writer {
    pub fn new() -> Writer {
        Writer {
            start: std::ptr::null_mut(),
            room: 0,
            len: 0,
            labels: LabelRegistry::new(),
            relocations: Vec::new(),
            displacements: Vec::new(),
            failed: false,
        }
    }

    /// Starts a block at `start`, with `room` bytes to take.
    ///
    /// # Safety
    /// `start..start + room` must be writable, and nothing may run or read it until the
    /// block is finished.
    pub unsafe fn begin(&mut self, start: *mut u8, room: usize) {
        self.start = start;
        self.room = room;
        self.len = 0;
        self.labels.clear();
        self.relocations.clear();
        self.displacements.clear();
        self.failed = false;
    }

    /// The address the block starts at.
    pub fn address(&self) -> usize {
        self.start as usize
    }

    pub fn new_dynamic_label(&mut self) -> DynamicLabel {
        self.labels.new_dynamic_label()
    }

    /// Places `label` here.
    pub fn bind(&mut self, label: DynamicLabel) {
        if self.labels.define_dynamic(label, self.offset()).is_err() {
            self.failed = true;
        }
    }

    /// Makes the 32-bit field just written (the end of an instruction) the displacement to
    /// `label`, filled in when the block is finished.
    pub fn refer(&mut self, label: DynamicLabel) {
        self.displacements.push((self.len - 4, label));
    }

    /// Makes the 32-bit field just written the displacement to address `target`, now; the
    /// block is refused when it cannot reach.
    pub fn refer_to(&mut self, target: usize) {
        let field = self.len - 4;
        let value = target as isize - (self.address() + self.len) as isize;
        self.write_displacement(field, value);
    }

    /// Writes `value` into the 32-bit field at offset `field`; the block is refused when the
    /// field lies past what was written or the value does not fit.
    fn write_displacement(&mut self, field: usize, value: isize) {
        match i32::try_from(value) {
            Ok(value) if field + 4 <= self.len.min(self.room) => {
                // SAFETY: the field lies in the bytes written, inside the room.
                unsafe { self.start.add(field).cast::<i32>().write_unaligned(value) };
            }
            _ => self.failed = true,
        }
    }

    /// Appends the first `len` of `bytes` (one instruction, from `x64`), storing all 16 at
    /// once where the room allows: a fixed-size copy is one store, where a copy of `len`
    /// bytes was a call to `memcpy`. The bytes past `len` are overwritten by what follows,
    /// or lie past the block.
    #[inline(always)]
    pub fn put_instruction(&mut self, bytes: &[u8; 16], len: usize) {
        if self.len + bytes.len() <= self.room {
            // SAFETY: inside the room `begin` was given; `bytes` is not in it.
            unsafe {
                self.start
                    .add(self.len)
                    .cast::<[u8; 16]>()
                    .write_unaligned(*bytes)
            };
            self.len += len;
        } else {
            self.put(&bytes[..len]);
        }
    }

    /// Appends `bytes`.
    #[inline]
    pub fn put(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() <= self.room {
            // SAFETY: inside the room `begin` was given; `bytes` is not in it.
            unsafe {
                std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.start.add(self.len), bytes.len())
            };
        } else {
            self.failed = true;
        }
        self.len += bytes.len();
    }

    /// Resolves the block's labels; its length in bytes, or None when it cannot be used.
    pub fn finish(&mut self) -> Option<usize> {
        for (location, label) in std::mem::take(&mut self.relocations) {
            match self.labels.resolve_dynamic(label) {
                Ok(target) => self.patch(&location, target.0),
                Err(_) => self.failed = true,
            }
        }
        for i in 0..self.displacements.len() {
            let (field, label) = self.displacements[i];
            match self.labels.resolve_dynamic(label) {
                Ok(target) => {
                    self.write_displacement(field, target.0 as isize - (field + 4) as isize)
                }
                Err(_) => self.failed = true,
            }
        }
        (!self.failed).then_some(self.len)
    }

    /// Writes the value of relocation `location` for `target` (an offset in the block, or
    /// an absolute address, as the relocation's kind says).
    fn patch(&mut self, location: &PatchLoc<X64Relocation>, target: usize) {
        let range = location.range(0);
        let value = location.value(target, self.address());
        // Nearly all are 32-bit displacements, written directly: dynasm's generic writer
        // was the largest single cost of compiling a block.
        if range.len() == 4 {
            return self.write_displacement(range.start, value);
        }
        if range.end > self.len.min(self.room) {
            self.failed = true;
            return;
        }
        // SAFETY: the range lies in the bytes written so far (checked just above), inside
        // the room `begin` was given.
        let field = unsafe {
            std::slice::from_raw_parts_mut(self.start.add(range.start), range.end - range.start)
        };
        if location.relocation.write_value(field, value).is_err() {
            self.failed = true;
        }
    }
}

impl Extend<u8> for Writer {
    fn extend<T: IntoIterator<Item = u8>>(&mut self, bytes: T) {
        for byte in bytes {
            self.push(byte);
        }
    }
}

impl<'a> Extend<&'a u8> for Writer {
    fn extend<T: IntoIterator<Item = &'a u8>>(&mut self, bytes: T) {
        self.extend(bytes.into_iter().copied());
    }
}

impl DynasmApi for Writer {
    fn offset(&self) -> AssemblyOffset {
        AssemblyOffset(self.len)
    }

    #[inline]
    fn push(&mut self, byte: u8) {
        if self.len < self.room {
            // SAFETY: inside the room `begin` was given.
            unsafe { self.start.add(self.len).write(byte) };
        } else {
            self.failed = true;
        }
        self.len += 1;
    }

    fn align(&mut self, alignment: usize, with: u8) {
        while !self.len.is_multiple_of(alignment) {
            self.push(with);
        }
    }
}

impl DynasmLabelApi for Writer {
    type Relocation = X64Relocation;

    // Blocks use dynamic labels only.
    fn local_label(&mut self, _: &'static str) {
        self.failed = true;
    }

    fn global_label(&mut self, _: &'static str) {
        self.failed = true;
    }

    fn dynamic_label(&mut self, label: DynamicLabel) {
        if self.labels.define_dynamic(label, self.offset()).is_err() {
            self.failed = true;
        }
    }

    fn forward_relocation(&mut self, _: &'static str, _: isize, _: u8, _: u8, _: X64Relocation) {
        self.failed = true;
    }

    fn backward_relocation(&mut self, _: &'static str, _: isize, _: u8, _: u8, _: X64Relocation) {
        self.failed = true;
    }

    fn global_relocation(&mut self, _: &'static str, _: isize, _: u8, _: u8, _: X64Relocation) {
        self.failed = true;
    }

    fn dynamic_relocation(
        &mut self,
        label: DynamicLabel,
        target_offset: isize,
        field_offset: u8,
        ref_offset: u8,
        kind: X64Relocation,
    ) {
        let location = PatchLoc::new(self.offset(), target_offset, field_offset, ref_offset, kind);
        self.relocations.push((location, label));
    }

    fn value_relocation(
        &mut self,
        value: usize,
        field_offset: u8,
        ref_offset: u8,
        kind: X64Relocation,
    ) {
        let location = PatchLoc::new(self.offset(), 0, field_offset, ref_offset, kind);
        self.patch(&location, value);
    }
}

#[cfg(test)]
// dynasm expands a dynamic register `Rd(n)` to `n.into()`, which is a no-op on our u8s.
#[allow(clippy::useless_conversion)]
mod tests {
    use super::*;
    use dynasmrt::{dynasm, VecAssembler};

    /// A little of everything blocks use: forward and backward dynamic labels (a pair per
    /// register in `labels`), a jump to an absolute address, registers chosen at run time.
    fn assemble<A: DynasmLabelApi<Relocation = X64Relocation>>(
        ops: &mut A,
        labels: &[(DynamicLabel, DynamicLabel)],
        outside: usize,
    ) {
        for (&(forward, back), register) in labels.iter().zip([6u8, 9, 14]) {
            dynasm!(ops
                ; .arch x64
                ; =>back
                ; lea Rd(register), [Rq(register) + 0x1234]
                ; test eax, 3
                ; jnz =>forward
                ; jz =>back
                ; jmp extern outside
                ; =>forward
                ; mov DWORD [rbp + 8], 0x5678
            );
        }
    }

    /// The writer assembles, in place, exactly what dynasm's own assembler does for the
    /// same address.
    #[test]
    fn writes_what_dynasms_assembler_writes() {
        let mut memory = vec![0xccu8; 4096];
        let start = memory.as_mut_ptr();
        let outside = start as usize + 100_000;
        let mut reference = VecAssembler::<X64Relocation>::new(start as usize);
        let labels: Vec<_> = (0..3)
            .map(|_| (reference.new_dynamic_label(), reference.new_dynamic_label()))
            .collect();
        assemble(&mut reference, &labels, outside);
        let expected = reference.finalize().expect("assembles");
        let mut writer = Writer::new();
        // Twice: the second block reuses the first one's storage.
        for _ in 0..2 {
            // SAFETY: `memory` is ours and nothing reads it meanwhile.
            unsafe { writer.begin(start, memory.len()) };
            let labels: Vec<_> = (0..3)
                .map(|_| (writer.new_dynamic_label(), writer.new_dynamic_label()))
                .collect();
            assemble(&mut writer, &labels, outside);
            assert_eq!(writer.finish(), Some(expected.len()));
            assert_eq!(&memory[..expected.len()], &expected[..]);
        }
    }

    /// A block longer than its room is refused, and nothing is written past the room.
    #[test]
    fn a_block_that_outgrows_its_room_is_refused() {
        let mut memory = vec![0xccu8; 64];
        let mut writer = Writer::new();
        // SAFETY: the first 16 bytes of `memory` are ours and nothing reads them meanwhile.
        unsafe { writer.begin(memory.as_mut_ptr(), 16) };
        let labels: Vec<_> = (0..3)
            .map(|_| (writer.new_dynamic_label(), writer.new_dynamic_label()))
            .collect();
        assemble(&mut writer, &labels, 0x1000);
        assert_eq!(writer.finish(), None);
        assert!(memory[16..].iter().all(|&byte| byte == 0xcc));
    }

    /// Instructions put whole near the end of the room: the ones that fit are written
    /// exactly (the 16-byte store is not used where it would pass the room), the rest
    /// refuse the block, and nothing is written past the room.
    #[test]
    fn instructions_at_the_end_of_the_room() {
        let mut instruction = [0xaau8; 16];
        instruction[..7].copy_from_slice(&[1, 2, 3, 4, 5, 6, 7]);
        for room in [7, 14, 20, 21, 22, 40] {
            let mut memory = vec![0xccu8; 64];
            let mut writer = Writer::new();
            // SAFETY: the first `room` bytes of `memory` are ours and nothing reads them.
            unsafe { writer.begin(memory.as_mut_ptr(), room) };
            for _ in 0..3 {
                writer.put_instruction(&instruction, 7);
            }
            let fits = room >= 21;
            assert_eq!(writer.finish(), fits.then_some(21), "room {room}");
            let whole = room / 7 * 7;
            for (at, &byte) in memory.iter().enumerate().take(whole.min(21)) {
                assert_eq!(byte, (at % 7) as u8 + 1, "room {room}, byte {at}");
            }
            assert!(
                memory[room..].iter().all(|&byte| byte == 0xcc),
                "room {room}"
            );
        }
    }

    /// A jump to a label never defined is refused, not left pointing anywhere.
    #[test]
    fn a_label_never_defined_is_refused() {
        let mut memory = vec![0u8; 64];
        let mut writer = Writer::new();
        // SAFETY: as above.
        unsafe { writer.begin(memory.as_mut_ptr(), memory.len()) };
        let nowhere = writer.new_dynamic_label();
        dynasm!(writer ; .arch x64 ; jmp =>nowhere);
        assert_eq!(writer.finish(), None);
    }
}
