"""Attention (注意力): the decoder looks back at every encoder state and takes a weighted average.

One contract for both scores. At decoder step t, with query s (the decoder state) and the encoder
states h_1 .. h_S (the keys, which are also the values)::

    e_j  = score(s, h_j)                          one number per source position j
    α_j  = exp(e_j) / Σ_k exp(e_k)                softmax over the real positions only (mask)
    c    = Σ_j α_j h_j                            the context vector

Scores:
    additive    (Bahdanau et al. 2015)   e_j = vᵀ tanh(W_s s + W_h h_j)
    dot-product (Luong et al. 2015)      e_j = sᵀ W h_j     (Luong's "general"; "dot" is W = I)

``W_h h_j`` and ``W h_j`` do not depend on t: :meth:`project_keys` computes them once per sentence.

Shapes (time-major): query ``(B, Q)``, keys ``(S, B, K)``, mask ``(S, B)`` (True = real token),
weights ``(S, B)``, context ``(B, K)``.
"""
from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn


class Attended(NamedTuple):
    """What one attention step returns: ``context (B, K)`` and ``weights (S, B)`` (each column sums to 1)."""

    context: torch.Tensor
    weights: torch.Tensor


def masked_softmax(scores: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """Softmax over the source axis 0 of ``scores (S, B)``; positions with ``mask == False`` get weight exactly 0.

    α_j = exp(e_j) / Σ_{k real} exp(e_k): the padded scores are set to −∞ before the softmax, and
    exp(−∞) = 0. Every column needs at least one real position.
    """
    if mask is not None:
        if mask.shape != scores.shape:
            raise ValueError(f"mask must have the shape of scores (S, B) = {tuple(scores.shape)}; got {tuple(mask.shape)}")
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=0)


class _Attention(nn.Module):
    """The shared part: project the keys once, score, masked softmax, weighted sum."""

    def project_keys(self, keys: torch.Tensor) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def scores(self, query: torch.Tensor, projected_keys: torch.Tensor) -> torch.Tensor:  # pragma: no cover
        raise NotImplementedError

    def forward(self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor | None = None,
                projected_keys: torch.Tensor | None = None) -> Attended:
        """``query (B, Q)``, ``keys (S, B, K)``, ``mask (S, B)`` → ``Attended(context (B, K), weights (S, B))``.

        Pass ``projected_keys = self.project_keys(keys)`` when attending to the same keys many times.
        """
        if projected_keys is None:
            projected_keys = self.project_keys(keys)
        weights = masked_softmax(self.scores(query, projected_keys), mask)      # α (S, B)
        context = (weights.unsqueeze(-1) * keys).sum(dim=0)                     # c = Σ_j α_j h_j   (B, K)
        return Attended(context, weights)


class AdditiveAttention(_Attention):
    """Bahdanau et al. (2015): e_j = vᵀ tanh(W_s s + W_h h_j), a one-hidden-layer network of s and h_j."""

    def __init__(self, query_size: int, key_size: int, attention_size: int):
        super().__init__()
        self.query_layer = nn.Linear(query_size, attention_size, bias=False)   # W_s
        self.key_layer = nn.Linear(key_size, attention_size, bias=False)       # W_h
        self.energy = nn.Linear(attention_size, 1, bias=False)                 # v

    def project_keys(self, keys: torch.Tensor) -> torch.Tensor:
        """W_h h_j for every j: ``(S, B, K)`` → ``(S, B, A)``."""
        return self.key_layer(keys)

    def scores(self, query: torch.Tensor, projected_keys: torch.Tensor) -> torch.Tensor:
        """e_j = vᵀ tanh(W_s s + W_h h_j): ``(B, Q)``, ``(S, B, A)`` → ``(S, B)``."""
        return self.energy(torch.tanh(self.query_layer(query) + projected_keys)).squeeze(-1)


class DotProductAttention(_Attention):
    """Luong et al. (2015), "general" score: e_j = sᵀ W h_j, one matrix product per position."""

    def __init__(self, query_size: int, key_size: int):
        super().__init__()
        self.key_layer = nn.Linear(key_size, query_size, bias=False)           # W

    def project_keys(self, keys: torch.Tensor) -> torch.Tensor:
        """W h_j for every j: ``(S, B, K)`` → ``(S, B, Q)``."""
        return self.key_layer(keys)

    def scores(self, query: torch.Tensor, projected_keys: torch.Tensor) -> torch.Tensor:
        """e_j = sᵀ (W h_j): ``(B, Q)``, ``(S, B, Q)`` → ``(S, B)``."""
        return (projected_keys * query.unsqueeze(0)).sum(dim=-1)
