"""Attention: weights sum to 1, padding gets exactly zero weight, both scores follow their formula."""
import pytest
import torch

from lessons_lib.translation.attention import AdditiveAttention, DotProductAttention, masked_softmax
from lessons_lib.translation.batching import padding_mask

S, B, Q, K, A = 6, 3, 5, 4, 7


def inputs(seed=0):
    g = torch.Generator().manual_seed(seed)
    query, keys = torch.randn(B, Q, generator=g), torch.randn(S, B, K, generator=g)
    mask = padding_mask(torch.tensor([6, 2, 4]), S)
    return query, keys, mask


@pytest.mark.parametrize("attention", [AdditiveAttention(Q, K, A), DotProductAttention(Q, K)])
def test_weights_sum_to_one_and_padding_gets_zero(attention):
    query, keys, mask = inputs()
    context, weights = attention(query, keys, mask)
    assert weights.shape == (S, B) and context.shape == (B, K)
    assert torch.allclose(weights.sum(dim=0), torch.ones(B), atol=1e-6)
    assert (weights[~mask] == 0).all()                       # exactly zero, not just small
    assert (weights[mask] > 0).all()
    assert torch.allclose(context, (weights[..., None] * keys).sum(0), atol=1e-6)


@pytest.mark.parametrize("attention", [AdditiveAttention(Q, K, A), DotProductAttention(Q, K)])
def test_padding_content_does_not_matter(attention):
    query, keys, mask = inputs()
    changed = keys.clone()
    changed[~mask] = 1e3 * torch.randn(int((~mask).sum()), K)
    a, b = attention(query, keys, mask), attention(query, changed, mask)
    assert torch.allclose(a.weights, b.weights, atol=1e-6) and torch.allclose(a.context, b.context, atol=1e-5)


def test_additive_score_formula():
    torch.manual_seed(1)
    attention = AdditiveAttention(Q, K, A)
    query, keys, _ = inputs(1)
    W_s, W_h, v = attention.query_layer.weight, attention.key_layer.weight, attention.energy.weight[0]
    expected = torch.stack([torch.stack([v @ torch.tanh(W_s @ query[b] + W_h @ keys[j, b]) for b in range(B)])
                            for j in range(S)])
    assert torch.allclose(attention.scores(query, attention.project_keys(keys)), expected, atol=1e-5)


def test_dot_score_formula():
    torch.manual_seed(2)
    attention = DotProductAttention(Q, K)
    query, keys, _ = inputs(2)
    W = attention.key_layer.weight                           # (Q, K)
    expected = torch.einsum("bq,qk,sbk->sb", query, W, keys)
    assert torch.allclose(attention.scores(query, attention.project_keys(keys)), expected, atol=1e-5)


def test_masked_softmax_without_mask_is_softmax_and_checks_shapes():
    scores = torch.randn(4, 2)
    assert torch.allclose(masked_softmax(scores, None), torch.softmax(scores, 0))
    with pytest.raises(ValueError, match="mask must have the shape"):
        masked_softmax(scores, torch.ones(2, 4, dtype=torch.bool))


def test_gradients_do_not_flow_into_padding():
    attention = AdditiveAttention(Q, K, A)
    query, keys, mask = inputs()
    keys.requires_grad_(True)
    attention(query, keys, mask).context.sum().backward()
    assert (keys.grad[~mask] == 0).all() and (keys.grad[mask] != 0).any()
