"""CPGD loss math against values worked out by hand (COSMO-RL.md, "The policy update: CPGD")."""

from __future__ import annotations

import math

import pytest
import torch

from cosmo_rl.cpgd import cpgd_loss, cpgd_terms, group_advantages, grpo_token_loss

EPS = 0.2
HIGH = math.log(1.2)  # 0.18232...
LOW = math.log(0.8)  # -0.22314...


def _leaf(values: list[list[float]]) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64, requires_grad=True)


def test_group_advantages_match_hand_z_scores() -> None:
    rewards = torch.tensor([1.0, 0.0, 1.0, 0.0, 0.5, 0.5, 0.5, 0.5])
    adv = group_advantages(rewards, group_size=4)
    # group 1: mean 0.5, unbiased std sqrt(4 * 0.25 / 3) = 0.57735 -> +-0.5 / (0.57735 + 1e-6)
    expected = 0.5 / (math.sqrt(1.0 / 3.0) + 1e-6)
    assert adv[:4].tolist() == pytest.approx([expected, -expected, expected, -expected], rel=1e-6)
    # group 2: all rewards equal -> exactly zero, not a rounding residue divided by 1e-6
    assert adv[4:].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_group_advantages_skip_unscorable_rollouts() -> None:
    rewards = torch.tensor([2.0, float("nan"), 0.0])
    adv = group_advantages(rewards, group_size=3)
    # mean over the two scored rollouts is 1, unbiased std sqrt(2)
    expected = 1.0 / (math.sqrt(2.0) + 1e-6)
    assert adv.tolist() == pytest.approx([expected, 0.0, -expected], rel=1e-6)


def test_group_advantages_reject_ragged_groups() -> None:
    with pytest.raises(ValueError):
        group_advantages(torch.zeros(5), group_size=2)


def test_phi_and_clip_flags_by_hand() -> None:
    old = torch.zeros(1, 4, dtype=torch.float64)
    # log-ratios: inside the band, above it, below it, below it
    logp = _leaf([[0.1, 0.5, -0.5, -0.5]])
    adv = torch.tensor([[1.0, 1.0, 1.0, -1.0]], dtype=torch.float64)
    terms = cpgd_terms(logp, old, adv, eps=EPS, drift_cap=2.0)
    # phi = min(l*A, clip(l)*A)
    assert terms.phi.tolist()[0] == pytest.approx([0.1, HIGH, -0.5, -LOW])
    # clamp active and chosen only for (l > high, A > 0) and (l < low, A < 0)
    assert terms.clipped.tolist()[0] == [False, True, False, True]


def test_clamped_token_gets_zero_gradient_and_others_get_advantage() -> None:
    old = torch.zeros(1, 4, dtype=torch.float64)
    logp = _leaf([[0.1, 0.5, -0.5, -0.5]])
    adv = torch.tensor([[1.0, 1.0, 1.0, -1.0]], dtype=torch.float64)
    mask = torch.ones(1, 4)
    out = cpgd_loss(logp, old, adv, mask, eps=EPS, alpha=0.0, drift_cap=2.0)
    out.loss.backward()
    assert logp.grad is not None
    # dL/dlogp_i = -A_i / N for free tokens (no ratio factor), 0 for the clamped ones
    assert logp.grad.tolist()[0] == pytest.approx([-0.25, 0.0, -0.25, 0.0])
    assert out.clip_fraction.item() == pytest.approx(0.5)
    assert out.mean_log_ratio.item() == pytest.approx((0.1 + 0.5 - 0.5 - 0.5) / 4)


def test_drift_coefficient_stops_at_its_cap() -> None:
    old = torch.zeros(1, 3, dtype=torch.float64)
    logp = _leaf([[0.5, 2.0, -1.0]])
    terms = cpgd_terms(logp, old, torch.zeros(1, 1, dtype=torch.float64), eps=EPS, drift_cap=2.0)
    # exp(0.5)-1 = 0.6487, exp(2)-1 = 6.389 -> capped at 2, exp(-1)-1 = -0.632 (no lower cap)
    assert terms.drift_coef.tolist()[0] == pytest.approx([math.exp(0.5) - 1, 2.0, math.exp(-1.0) - 1])
    assert terms.drift.tolist()[0] == pytest.approx([(math.exp(0.5) - 1) * 0.5, 4.0, (math.exp(-1.0) - 1) * -1.0])
    # The coefficient is a stop-gradient: d(d_i)/dlogp_i equals the coefficient itself.
    terms.drift.sum().backward()
    assert logp.grad is not None
    assert logp.grad.tolist()[0] == pytest.approx([math.exp(0.5) - 1, 2.0, math.exp(-1.0) - 1])


def test_loss_value_combines_terms_with_token_mean_and_accumulation() -> None:
    old = torch.zeros(2, 3, dtype=torch.float64)
    logp = _leaf([[0.1, 0.5, 9.0], [-0.1, 0.0, 0.0]])
    adv = torch.tensor([1.0, -2.0], dtype=torch.float64)
    mask = torch.tensor([[1, 1, 0], [1, 1, 1]])  # the 9.0 is padding and must not count
    out = cpgd_loss(logp, old, adv, mask, eps=EPS, alpha=0.01, drift_cap=2.0, grad_accum=2)
    phi = [0.1, HIGH, 0.2, 0.0, 0.0]  # row 2: l=-0.1 inside the band -> -0.1 * -2
    coefs = [math.exp(0.1) - 1, math.exp(0.5) - 1, math.exp(-0.1) - 1, 0.0, 0.0]
    drift = [c * lp for c, lp in zip(coefs, [0.1, 0.5, -0.1, 0.0, 0.0], strict=True)]
    expected = (-sum(phi) / 5 + 0.01 * sum(drift) / 5) / 2
    assert out.loss.item() == pytest.approx(expected)
    assert out.policy_term.item() == pytest.approx(-sum(phi) / 5)
    assert out.drift_term.item() == pytest.approx(sum(drift) / 5)


def test_equal_reward_group_contributes_nothing_on_policy() -> None:
    adv = group_advantages(torch.tensor([0.3, 0.3, 0.3]), group_size=3)
    logp = _leaf([[-1.0, -2.0], [-0.5, -0.7], [-3.0, -0.1]])
    old = logp.detach().clone()  # first step after a rollout: current == old
    out = cpgd_loss(logp, old, adv, torch.ones(3, 2), eps=EPS, alpha=0.01, drift_cap=2.0)
    out.loss.backward()
    assert logp.grad is not None
    assert torch.count_nonzero(logp.grad).item() == 0
    assert out.loss.item() == 0.0


def test_kl_term_needs_reference_and_adds_k3() -> None:
    logp = _leaf([[-1.0]])
    ref = torch.tensor([[-1.5]], dtype=torch.float64)
    with pytest.raises(ValueError):
        cpgd_loss(logp, logp.detach(), torch.zeros(1), torch.ones(1, 1), kl_beta=0.1)
    out = cpgd_loss(logp, logp.detach(), torch.zeros(1), torch.ones(1, 1), ref_logp=ref, kl_beta=0.1)
    k3 = math.exp(-0.5) + 0.5 - 1.0
    assert out.kl is not None and out.kl.item() == pytest.approx(k3)
    assert out.loss.item() == pytest.approx(0.1 * k3)


def test_grpo_and_cpgd_agree_on_policy_and_differ_off_policy() -> None:
    adv = torch.tensor([[1.0]], dtype=torch.float64)
    mask = torch.ones(1, 1)

    def grads(l_value: float) -> tuple[float, float]:
        old = torch.zeros(1, 1, dtype=torch.float64)
        lp_c = _leaf([[l_value]])
        cpgd_loss(lp_c, old, adv, mask, eps=EPS, alpha=0.01, drift_cap=2.0).loss.backward()
        lp_g = _leaf([[l_value]])
        grpo_token_loss(lp_g, old, adv, eps=EPS).sum().backward()
        assert lp_c.grad is not None and lp_g.grad is not None
        return lp_c.grad.item(), lp_g.grad.item()

    # on-policy (l = 0): ratio 1 and drift coefficient 0 -> identical gradients -A
    c0, g0 = grads(0.0)
    assert c0 == pytest.approx(-1.0) and g0 == pytest.approx(-1.0)
    # off-policy inside the band: GRPO scales A by the ratio, CPGD does not but adds the drift pull-back
    c1, g1 = grads(0.1)
    assert g1 == pytest.approx(-math.exp(0.1))
    assert c1 == pytest.approx(-1.0 + 0.01 * (math.exp(0.1) - 1.0))
    # both clip above the band with A > 0; CPGD still feels the drift term, GRPO feels nothing
    c2, g2 = grads(0.5)
    assert g2 == pytest.approx(0.0)
    assert c2 == pytest.approx(0.01 * (math.exp(0.5) - 1.0))
