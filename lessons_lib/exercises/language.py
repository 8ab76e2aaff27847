"""Exercise checks for notebook 06 (character language models).

Each ``check_<name>(function)`` calls the learner's function on fixed cases and compares with the
tested reference in :mod:`lessons_lib.language`. Typical slips (2^H for a perplexity in nats, a
temperature that multiplies, a carried state that is still attached to the graph, an n-gram that
forgets to interpolate) are recognised by computing them too. A wrong answer prints feedback and
returns ``False``; a function that still raises ``NotImplementedError`` (the exercise not attempted
yet) prints one friendly line and returns ``False``; only misuse (not a function) raises.
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import torch

from ..language.metrics import perplexity as reference_perplexity
from ..language.sampling import temperature_probabilities
from ._feedback import NOT_ATTEMPTED, array_problem, call_safely, report
from ._slips import matching_slip

__all__ = ["check_perplexity", "check_temperature_probabilities", "check_carry_state", "check_bigram_probability"]


def _not_attempted(name: str, function, *args):
    """False (after saying "not attempted yet") when the learner's function still raises NotImplementedError;
    None otherwise (other errors are reported by the check itself, with a hint)."""
    _, problem = call_safely(function, *args)
    return report(name, problem) if problem == NOT_ATTEMPTED else None


# ---------------------------------------------------------------------------------------------- perplexity
def check_perplexity(function) -> bool:
    """Exercise: ``function(nats) -> float``, the perplexity of a cross-entropy given in nats per character."""
    name = "perplexity"
    cases = (0.0, 1.0, 1.64, math.log(65))
    if _not_attempted(name, function, 1.0) is False:
        return False
    answers = []
    for nats in cases:
        answer, error = call_safely(function, nats)
        if error:
            return report(name, error, "one line: math.exp(nats).")
        if np.ndim(answer) != 0:
            return report(name, f"expected one number for nats = {nats:.3g}; got shape {np.shape(answer)}",
                          "return a float.")
        answers.append(float(answer))
    expected = [reference_perplexity(n) for n in cases]
    if np.allclose(answers, expected, rtol=1e-9):
        return report(name, None, success=f"1.64 nats/char (the best n-gram) is a perplexity of {expected[2]:.2f}: "
                                          "as unsure as a fair choice among about five characters.")
    slips = {
        "power of two": ([2.0 ** n for n in cases], "2^H is the perplexity for H in *bits*; for nats use e^H."),
        "bits": ([n / math.log(2) for n in cases], "that converts nats to bits per character; the perplexity is e^H."),
        "inverse": ([math.exp(-n) for n in cases], "e^(−H) is the geometric mean probability of the next character; "
                                                   "the perplexity is its inverse, e^H."),
        "log": ([math.log(n) if n > 0 else float("-inf") for n in cases], "take the exponential, not the logarithm."),
    }
    got = ", ".join(f"{a:.4g}" for a in answers)
    want = ", ".join(f"{e:.4g}" for e in expected)
    return report(name, f"for H = 0, 1, 1.64, ln 65 expected {want}; got {got}",
                  matching_slip(np.array(answers), {k: (np.array(v), h) for k, (v, h) in slips.items()})
                  or "the perplexity of H nats per character is e^H (a uniform choice among e^H characters has H nats).")


# ---------------------------------------------------------------------------------------------- temperature
def check_temperature_probabilities(function) -> bool:
    """Exercise: ``function(logits (B, V), temperature) -> (B, V)``, ``softmax(logits / temperature)`` per row."""
    name = "temperature_probabilities"
    rng = np.random.default_rng(6)
    logits = np.concatenate([rng.normal(0, 2, (3, 7)), 800 + rng.normal(0, 2, (1, 7))])   # one row would overflow e^z
    if _not_attempted(name, function, logits[:1].copy(), 1.0) is False:
        return False
    for temperature in (1.0, 0.5, 2.0):
        answer, error = call_safely(function, logits.copy(), temperature)
        if error:
            return report(name, error, "divide the logits by the temperature, subtract each row's maximum, "
                                       "exponentiate, and divide by the row's sum.")
        expected = temperature_probabilities(logits, temperature)
        problem = array_problem(answer, expected, f"the probabilities at temperature {temperature}", "(B, V)",
                                rtol=1e-7, atol=1e-12)
        if problem is None:
            continue
        softmax = lambda z: temperature_probabilities(z, 1.0)
        slips = {
            "multiplied": (softmax(logits * temperature), "the temperature *divides* the logits: z / τ. Dividing by a "
                                                           "small τ makes the distribution sharper."),
            "ignored": (softmax(logits), "the temperature was not used: softmax(logits / temperature)."),
            "not normalised": (np.exp(logits / temperature - (logits / temperature).max(axis=1, keepdims=True)),
                               "divide by each row's sum so that every row sums to 1."),
            "whole array": (np.exp(logits / temperature - (logits / temperature).max())
                            / np.exp(logits / temperature - (logits / temperature).max()).sum(),
                            "normalise each row on its own (axis=1, keepdims=True), not the whole array."),
            "power": (softmax(logits) ** (1 / temperature), "p^(1/τ) has the right shape but is not normalised: "
                                                             "divide by the row sums (or work with logits / τ)."),
        }
        hint = matching_slip(answer, slips, rtol=1e-7, atol=1e-12)
        if hint is None and isinstance(answer, np.ndarray) and answer.shape == expected.shape and np.isnan(answer[3]).any() \
                and not np.isnan(answer[:3]).any() and np.allclose(answer[:3], expected[:3]):
            hint = ("the last row's logits are about 800 and e^800 overflows to inf (inf / inf = nan): subtract each "
                    "row's maximum before exponentiating; softmax does not change.")
        return report(name, problem, hint or "p = exp(z / τ − max) / Σ exp(z / τ − max), row by row.")
    return report(name, None, success="τ < 1 sharpens the distribution, τ > 1 flattens it; τ → 0 picks the argmax.")


# ---------------------------------------------------------------------------------------------- the detach question
def _two_windows(carry, seed: int = 0):
    """Window 1 from zeros, ``carry`` its final (h, c), window 2 from that; loss of window 2 backpropagated."""
    torch.manual_seed(seed)
    lstm = torch.nn.LSTM(3, 4)
    x1, x2 = torch.randn(5, 2, 3, requires_grad=True), torch.randn(5, 2, 3)
    out1, state = lstm(x1)
    out1.pow(2).mean().backward()                  # window 1's own backward frees its graph
    carried = carry(state)
    out2, _ = lstm(x2, carried)
    lstm.zero_grad()
    x1.grad = None
    out2.pow(2).mean().backward()                  # the second backward: through window 2 only?
    return state, carried, x1, [p.grad.clone() for p in lstm.parameters()]


def check_carry_state(function) -> bool:
    """Exercise: ``function(state) -> state`` that prepares an LSTM's final ``(h, c)`` to start the next TBPTT window."""
    name = "carry_state"
    torch.manual_seed(0)
    probe = (torch.randn(1, 2, 4, requires_grad=True) * 1.0, torch.randn(1, 2, 4, requires_grad=True) * 1.0)
    if _not_attempted(name, function, probe) is False:
        return False
    try:
        state, carried, x1, grads = _two_windows(function)
    except RuntimeError as error:
        if "second time" in str(error):
            return report(name, "the second window's backward() failed: it tried to go back through the first window, "
                                "whose graph was already freed by the first backward().",
                          "the carried state is still attached to the previous window's graph: return "
                          "tuple(s.detach() for s in state).")
        return report(name, f"torch raised RuntimeError: {str(error).splitlines()[0]}",
                      "return a pair (h, c) of tensors shaped like the input, e.g. tuple(s.detach() for s in state).")
    except Exception as error:   # the learner's function returned something the LSTM cannot take
        return report(name, f"the LSTM could not start from what your function returned ({type(error).__name__}: "
                            f"{str(error).splitlines()[0] if str(error) else ''})",
                      "return a pair (h, c), each (num_layers, B, H) like the input.")
    if not (isinstance(carried, (tuple, list)) and len(carried) == 2 and all(isinstance(s, torch.Tensor) for s in carried)):
        return report(name, f"expected a pair (h, c) of tensors; got {type(carried).__name__}",
                      "return tuple(s.detach() for s in state).")
    if not all(torch.equal(a.detach(), b.detach()) for a, b in zip(state, carried)):
        zeros = all(float(s.abs().sum()) == 0 for s in carried)
        return report(name, "the carried state has other values than the final state of the previous window" +
                      (": it is all zeros (that is the *stateless* variant)" if zeros else ""),
                      "keep the values (the next window continues the same text) and only cut the graph: .detach().")
    if x1.grad is not None or any(s.requires_grad for s in carried):
        return report(name, "the carried state is still connected to the previous window's graph",
                      ".clone() and torch.no_grad() do not cut it; .detach() does.")
    _, _, _, expected = _two_windows(lambda s: tuple(t.detach() for t in s))
    if not all(torch.allclose(a, b) for a, b in zip(grads, expected)):
        return report(name, "the second window's gradients differ from those of a detached state",
                      "return tuple(s.detach() for s in state).")
    return report(name, None, success="Same values, no graph: the forward pass sees the whole text, "
                                      "backpropagation stops at the window's start.")


# ---------------------------------------------------------------------------------------------- the n-gram by hand
BIGRAM_CASES = (("abracadabra", "a", "b", 0.75), ("abracadabra", "a", "d", 0.5), ("abracadabra", "r", "a", 0.75),
                ("abracadabra", "d", "r", 0.9), ("mississippi", "s", "i", 0.75), ("mississippi", "p", "m", 0.75))


def _bigram_variants(text: str, h: str, w: str, D: float) -> dict[str, float]:
    """The right answer and the typical slips, for one case."""
    alphabet = sorted(set(text))
    pairs = Counter(zip(text, text[1:]))
    unigrams = Counter(text)                                   # the order-1 model counts every character
    followers_of = {a: sum(1 for (x, _), n in pairs.items() if x == a) for a in alphabet}
    c_h = sum(n for (x, _), n in pairs.items() if x == h)
    N = len(text)
    uniform = 1 / len(alphabet)
    unigram = (max(unigrams[w] - D, 0) + D * len(unigrams) * uniform) / N
    right = (max(pairs[h, w] - D, 0) + D * followers_of[h] * unigram) / c_h
    return {
        "right": right,
        "no interpolation": max(pairs[h, w] - D, 0) / c_h,
        "unigram not discounted": (max(pairs[h, w] - D, 0) + D * followers_of[h] * 1 / len(alphabet)) / c_h,
        "V instead of N1+": (max(pairs[h, w] - D, 0) + D * len(alphabet) * unigram) / c_h,
        "no discount": pairs[h, w] / c_h,
    }


def check_bigram_probability(function) -> bool:
    """Exercise: ``function(text, h, w, D) -> float``, the interpolated absolute-discounting P_2(w | h) of the notebook.

    Counted on ``text``: bigrams (h, w) over consecutive characters; the order-1 model counts every
    character and interpolates with the uniform distribution over the V distinct characters of ``text``
    (every one of them is seen, so P_1(w) comes out as c(w) / N).
    """
    name = "bigram_probability"
    if _not_attempted(name, function, *BIGRAM_CASES[0]) is False:
        return False
    for case in BIGRAM_CASES:
        answer, error = call_safely(function, *case)
        if error:
            return report(name, error, "count pairs with collections.Counter(zip(text, text[1:])).")
        if np.ndim(answer) != 0:
            return report(name, f"expected one number for {case}; got shape {np.shape(answer)}", "return a float.")
        variants = _bigram_variants(*case)
        if math.isclose(float(answer), variants["right"], rel_tol=1e-9):
            continue
        hint = next((h for key, h in {
            "no interpolation": "the discounted mass D·N₁₊(h)/c(h) must go to the lower order: add D·N₁₊(h)·P_1(w).",
            "unigram not discounted": "the lower order is P_1(w), the order-1 model (itself interpolated with the "
                                      "uniform 1/V), not the uniform distribution alone.",
            "V instead of N1+": "N₁₊(h) counts the *distinct* characters seen after h, not the whole alphabet.",
            "no discount": "that is the maximum-likelihood estimate c(h, w)/c(h): subtract D and interpolate.",
        }.items() if math.isclose(float(answer), variants[key], rel_tol=1e-9)), None)
        text, h, w, D = case
        return report(name, f"for text={text!r}, h={h!r}, w={w!r}, D={D}: expected {variants['right']:.6g}, "
                            f"got {float(answer):.6g}",
                      hint or "P_2(w|h) = (max(c(h,w) − D, 0) + D·N₁₊(h)·P_1(w)) / c(h), with P_1 interpolated "
                              "with the uniform distribution the same way.")
    return report(name, None, success="It equals lessons_lib.language.NGramModel at order 2.")
