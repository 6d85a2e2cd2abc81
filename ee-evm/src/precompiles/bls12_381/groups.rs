//! Addition (0x0b G1ADD, 0x0d G2ADD) and multi-scalar multiplication (0x0c G1MSM, 0x0e G2MSM)
//! in G1 and G2, one implementation for both groups.

use super::encoding::{read_scalar, EncodedPoint, SCALAR_LEN};
use super::msm::msm;
use crate::native;
use crate::precompiles::{Budget, PrecompileError, PrecompileOutput, PrecompileResult};
use alloc::vec::Vec;
use bls12_381::{G1Affine, G2Affine};
use group::Curve;

const G1_ADD_GAS: u64 = 375;
const G2_ADD_GAS: u64 = 600;

/// An MSM of k pairs costs k · MULTIPLICATION · DISCOUNT[min(k, 128) - 1] / 1000.
struct MsmPricing {
    multiplication: u64,
    discounts: [u16; 128],
}

const MSM_DISCOUNT_DIVISOR: u64 = 1000;

const G1_MSM: MsmPricing = MsmPricing {
    multiplication: 12_000,
    discounts: [
        1000, 949, 848, 797, 764, 750, 738, 728, 719, 712, 705, 698, 692, 687, 682, 677, 673, 669,
        665, 661, 658, 654, 651, 648, 645, 642, 640, 637, 635, 632, 630, 627, 625, 623, 621, 619,
        617, 615, 613, 611, 609, 608, 606, 604, 603, 601, 599, 598, 596, 595, 593, 592, 591, 589,
        588, 586, 585, 584, 582, 581, 580, 579, 577, 576, 575, 574, 573, 572, 570, 569, 568, 567,
        566, 565, 564, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 551, 550, 549,
        548, 547, 547, 546, 545, 544, 543, 542, 541, 540, 540, 539, 538, 537, 536, 536, 535, 534,
        533, 532, 532, 531, 530, 529, 528, 528, 527, 526, 525, 525, 524, 523, 522, 522, 521, 520,
        520, 519,
    ],
};

const G2_MSM: MsmPricing = MsmPricing {
    multiplication: 22_500,
    discounts: [
        1000, 1000, 923, 884, 855, 832, 812, 796, 782, 770, 759, 749, 740, 732, 724, 717, 711, 704,
        699, 693, 688, 683, 679, 674, 670, 666, 663, 659, 655, 652, 649, 646, 643, 640, 637, 634,
        632, 629, 627, 624, 622, 620, 618, 615, 613, 611, 609, 607, 606, 604, 602, 600, 598, 597,
        595, 593, 592, 590, 589, 587, 586, 584, 583, 582, 580, 579, 578, 576, 575, 574, 573, 571,
        570, 569, 568, 567, 566, 565, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554, 553, 552,
        552, 551, 550, 549, 548, 547, 546, 545, 545, 544, 543, 542, 541, 541, 540, 539, 538, 537,
        537, 536, 535, 535, 534, 533, 532, 532, 531, 530, 530, 529, 528, 528, 527, 526, 526, 525,
        524, 524,
    ],
};

impl MsmPricing {
    /// The cost of `pairs` (at least one) point-scalar pairs.
    fn cost(&self, pairs: usize) -> u64 {
        let discount = self.discounts[pairs.min(self.discounts.len()) - 1];
        (pairs as u64)
            .saturating_mul(self.multiplication)
            .saturating_mul(u64::from(discount))
            / MSM_DISCOUNT_DIVISOR
    }
}

pub(in crate::precompiles) fn g1_add(input: &[u8], budget: &mut Budget<'_>) -> PrecompileResult {
    add::<G1Affine>(input, budget, G1_ADD_GAS, native::BLS_G1_ADD)
}

pub(in crate::precompiles) fn g2_add(input: &[u8], budget: &mut Budget<'_>) -> PrecompileResult {
    add::<G2Affine>(input, budget, G2_ADD_GAS, native::BLS_G2_ADD)
}

pub(in crate::precompiles) fn g1_msm(input: &[u8], budget: &mut Budget<'_>) -> PrecompileResult {
    multi_scalar_mul::<G1Affine>(input, budget, &G1_MSM, native::BLS_G1_MSM_PAIR)
}

pub(in crate::precompiles) fn g2_msm(input: &[u8], budget: &mut Budget<'_>) -> PrecompileResult {
    multi_scalar_mul::<G2Affine>(input, budget, &G2_MSM, native::BLS_G2_MSM_PAIR)
}

/// The sum of two points on the curve, which need not be in the subgroup.
fn add<A: EncodedPoint>(
    input: &[u8],
    budget: &mut Budget<'_>,
    gas: u64,
    native: u64,
) -> PrecompileResult {
    let gas_used = budget.charge(gas, native)?;
    if input.len() != 2 * A::LEN {
        return Err(PrecompileError::Failure);
    }
    let (a, b) = input.split_at(A::LEN);
    let sum = A::decode(a)?.to_curve() + A::decode(b)?;
    Ok(PrecompileOutput {
        gas_used,
        output: sum.to_affine().encode(),
    })
}

/// Σ [scalar]point over k > 0 pairs of a subgroup point and a 32-byte scalar.
fn multi_scalar_mul<A: EncodedPoint>(
    input: &[u8],
    budget: &mut Budget<'_>,
    pricing: &MsmPricing,
    native_per_pair: u64,
) -> PrecompileResult {
    let pair_len = A::LEN + SCALAR_LEN;
    if input.is_empty() || !input.len().is_multiple_of(pair_len) {
        return Err(PrecompileError::Failure);
    }
    let pairs = input.len() / pair_len;
    let gas_used = budget.charge(pricing.cost(pairs), native_per_pair * pairs as u64)?;
    let terms = input
        .chunks_exact(pair_len)
        .map(|pair| {
            let (point, scalar) = pair.split_at(A::LEN);
            Ok((A::decode_in_subgroup(point)?, read_scalar(scalar)))
        })
        .collect::<Result<Vec<_>, PrecompileError>>()?;
    Ok(PrecompileOutput {
        gas_used,
        output: msm(&terms).to_affine().encode(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msm_cost_follows_the_discount_table_and_stays_at_its_last_entry() {
        assert_eq!(G1_MSM.cost(1), 12_000);
        assert_eq!(G1_MSM.cost(2), 2 * 12_000 * 949 / 1000);
        assert_eq!(G2_MSM.cost(2), 2 * 22_500);
        assert_eq!(G1_MSM.cost(128), 128 * 12_000 * 519 / 1000);
        assert_eq!(G1_MSM.cost(200), 200 * 12_000 * 519 / 1000);
        assert_eq!(G2_MSM.cost(300), 300 * 22_500 * 524 / 1000);
    }
}
