"""CPGD loss math on plain tensors (COSMO-RL.md, "The policy update: CPGD").

Kept free of any trainer state so the formulas can be checked against hand-computed values.
Shapes: per-token tensors are (B, T); advantages are (B,) or (B, 1); mask is (B, T) of 0/1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

# The method fixes the z-score denominator as std + 1e-6 (TRL's own GRPO path uses 1e-4).
ADVANTAGE_EPS = 1e-6


def group_advantages(rewards: torch.Tensor, group_size: int, eps: float = ADVANTAGE_EPS) -> torch.Tensor:
    """Group z-score advantages: A_k = (R_k - mean_j R_j) / (std_j R_j + eps).

    `rewards` is flat (N,) with the K rollouts of one prompt adjacent (TRL's RepeatSampler order).
    NaN rewards (unscorable rollouts) are left out of the group statistics and get advantage 0.
    A group whose rewards are all equal gets exactly 0 everywhere: dividing a float-rounding
    residue by 1e-6 would otherwise hand it a spurious signal.
    The std is the unbiased one (Bessel), as in TRL's `nanstd` and OpenRLHF's group norm.
    """
    if rewards.dim() != 1 or rewards.numel() % group_size != 0:
        raise ValueError(f"rewards of shape {tuple(rewards.shape)} do not split into groups of {group_size}")
    grouped = rewards.view(-1, group_size).float()
    valid = ~torch.isnan(grouped)
    count = valid.sum(dim=1, keepdim=True).clamp(min=1)
    filled = torch.where(valid, grouped, torch.zeros_like(grouped))
    mean = filled.sum(dim=1, keepdim=True) / count
    centred = torch.where(valid, grouped - mean, torch.zeros_like(grouped))
    var = (centred**2).sum(dim=1, keepdim=True) / (count - 1).clamp(min=1)
    std = var.sqrt()
    adv = centred / (std + eps)
    constant_group = (std <= 1e-12) | (count <= 1)
    adv = torch.where(constant_group | ~valid, torch.zeros_like(adv), adv)
    return adv.view(-1)


@dataclass(frozen=True)
class CPGDTerms:
    """Per-token pieces of the CPGD objective, before masking and averaging."""

    phi: torch.Tensor  # clipped log-ratio term (maximised)
    drift: torch.Tensor  # capped-coefficient drift term (minimised, scaled by alpha)
    drift_coef: torch.Tensor  # min(exp(l) - 1, c), detached
    log_ratio: torch.Tensor  # l = logp - logp_old
    clipped: torch.Tensor  # bool: the clamp was active and chosen, so the token carries no gradient


def _as_column(advantages: torch.Tensor) -> torch.Tensor:
    return advantages.unsqueeze(1) if advantages.dim() == 1 else advantages


def cpgd_terms(
    logp: torch.Tensor,
    old_logp: torch.Tensor,
    advantages: torch.Tensor,
    eps: float = 0.2,
    drift_cap: float = 2.0,
) -> CPGDTerms:
    """phi_i = min(l_i*A, clip(l_i, log(1-eps), log(1+eps))*A); d_i = min(exp(sg(l_i)) - 1, c) * logp_i."""
    adv = _as_column(advantages).to(logp.dtype)
    log_ratio = logp - old_logp
    low, high = math.log(1.0 - eps), math.log(1.0 + eps)
    clamped = torch.clamp(log_ratio, low, high)  # no gradient outside [low, high]
    unclipped_term = log_ratio * adv
    clipped_term = clamped * adv
    phi = torch.minimum(unclipped_term, clipped_term)
    # The clamp matters only when it lowers the objective: l above the band with A > 0, or below with A < 0.
    clipped = ((log_ratio > high) & (adv > 0)) | ((log_ratio < low) & (adv < 0))
    drift_coef = torch.clamp(torch.exp(log_ratio.detach()) - 1.0, max=drift_cap)
    drift = drift_coef * logp
    return CPGDTerms(phi=phi, drift=drift, drift_coef=drift_coef, log_ratio=log_ratio, clipped=clipped)


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    mask = mask.to(x.dtype)
    return (x * mask).sum() / mask.sum().clamp(min=1.0)


@dataclass(frozen=True)
class CPGDLoss:
    loss: torch.Tensor  # what backward() sees: already divided by gradient accumulation
    policy_term: torch.Tensor  # -mean(phi), detached
    drift_term: torch.Tensor  # mean(d), detached
    clip_fraction: torch.Tensor
    mean_log_ratio: torch.Tensor
    mean_drift_coef: torch.Tensor
    kl: torch.Tensor | None


def cpgd_loss(
    logp: torch.Tensor,
    old_logp: torch.Tensor,
    advantages: torch.Tensor,
    mask: torch.Tensor,
    eps: float = 0.2,
    alpha: float = 0.01,
    drift_cap: float = 2.0,
    grad_accum: int = 1,
    ref_logp: torch.Tensor | None = None,
    kl_beta: float = 0.0,
) -> CPGDLoss:
    """L = -mean_i(phi_i) + alpha * mean_i(d_i) [+ beta * mean_i(kl_i)], token mean over this micro-batch.

    The token mean is taken per micro-batch and divided by `grad_accum` (TRAINER-NOTES Caveat 2) so
    each optimizer step sees the same scale whatever `steps_per_generation` is.
    The optional KL to a reference policy is the k3 estimator TRL uses; off by default (beta 0).
    """
    terms = cpgd_terms(logp, old_logp, advantages, eps=eps, drift_cap=drift_cap)
    policy_term = -masked_mean(terms.phi, mask)
    drift_term = masked_mean(terms.drift, mask)
    loss = policy_term + alpha * drift_term
    kl_mean: torch.Tensor | None = None
    if kl_beta != 0.0:
        if ref_logp is None:
            raise ValueError("kl_beta is set but no reference log-probs were given")
        per_token_kl = torch.exp(ref_logp - logp) - (ref_logp - logp) - 1.0
        kl_mean = masked_mean(per_token_kl, mask)
        loss = loss + kl_beta * kl_mean
        kl_mean = kl_mean.detach()
    return CPGDLoss(
        loss=loss / grad_accum,
        policy_term=policy_term.detach(),
        drift_term=drift_term.detach(),
        clip_fraction=masked_mean(terms.clipped.to(logp.dtype), mask).detach(),
        mean_log_ratio=masked_mean(terms.log_ratio, mask).detach(),
        mean_drift_coef=masked_mean(terms.drift_coef, mask).detach(),
        kl=kl_mean,
    )


def grpo_token_loss(
    logp: torch.Tensor, old_logp: torch.Tensor, advantages: torch.Tensor, eps: float = 0.2
) -> torch.Tensor:
    """TRL's token-level GRPO/PPO surrogate, -min(r*A, clip(r, 1-eps, 1+eps)*A) with r = exp(l).

    The `grpo` method uses TRL's own loss; this mirror exists so tests can show where the two
    objectives differ (the ratio multiplies the advantage here, not in CPGD; no drift term).
    """
    adv = _as_column(advantages).to(logp.dtype)
    ratio = torch.exp(logp - old_logp)
    return -torch.minimum(ratio * adv, torch.clamp(ratio, 1.0 - eps, 1.0 + eps) * adv)
