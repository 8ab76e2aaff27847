"""Exercise checks for notebook 02 (backpropagation through time, vanishing and exploding gradients).

As in notebook 01's checks: seeded cases with different sizes (T ≠ B ≠ I ≠ H), the tested reference
from :mod:`lessons_lib.rnn`, and typical slips recognised by computing them too. A wrong answer prints
feedback and returns ``False``; only misuse (a number where a function is expected) raises.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..rnn import RNNParams, rnn_backward, rnn_forward
from ._feedback import array_problem, call_safely, report
from ._slips import matching_slip

__all__ = ["check_rnn_backward", "check_jacobian_norm", "check_clip_grad_norm"]


def _bptt_variant(dhs, xs, h0, hs, W_hh, future=True, through_tanh=True, transpose_recurrence=False,
                  current_state=False):
    """BPTT with one deliberate slip switched on; all flags at their defaults gives the right answer."""
    h_prevs = np.concatenate([h0[None], hs[:-1]])
    dW_xh, dW_hh, db = np.zeros((hs.shape[2], xs.shape[2])), np.zeros_like(W_hh), np.zeros(hs.shape[2])
    dh_next = np.zeros_like(h0)
    for t in reversed(range(xs.shape[0])):
        dh = dhs[t] + (dh_next if future else 0.0)
        da = dh * (1.0 - hs[t] ** 2) if through_tanh else dh
        dW_xh += da.T @ xs[t]
        dW_hh += da.T @ (hs[t] if current_state else h_prevs[t])
        db += da.sum(axis=0)
        dh_next = da @ (W_hh.T if transpose_recurrence else W_hh)
    return dW_xh, dW_hh, db, dh_next


def check_rnn_backward(function) -> bool:
    """Exercise: ``function(dhs (T, B, H), xs (T, B, I), h0 (B, H), hs (T, B, H), W_hh (H, H))``
    returns ``(dW_xh (H, I), dW_hh (H, H), db (H,), dh0 (B, H))``: the gradients of a loss whose
    ∂L/∂h_t (from the loss alone) is ``dhs[t]``.
    """
    name = "rnn_backward"
    T, B, I, H = 4, 2, 3, 5
    rng = np.random.default_rng(11)
    params = RNNParams.init(I, H, seed=11)
    params.W_hh[:] = rng.uniform(-0.6, 0.6, (H, H))  # strongly non-symmetric: a transposed W_hh shows
    xs, h0 = rng.standard_normal((T, B, I)), rng.standard_normal((B, H)) * 0.5
    hs, cache = rnn_forward(xs, h0, params)
    dhs = rng.standard_normal((T, B, H))
    answer, error = call_safely(function, dhs.copy(), xs.copy(), h0.copy(), hs.copy(), params.W_hh.copy())
    if error:
        return report(name, error, "walk t from T−1 down to 0; keep dh_next (the gradient from step t+1), "
                                   "starting from zeros of shape (B, H).")
    if not (isinstance(answer, (tuple, list)) and len(answer) == 4):
        return report(name, f"expected a tuple (dW_xh, dW_hh, db, dh0); got {type(answer).__name__}"
                      + (f" of length {len(answer)}" if isinstance(answer, (tuple, list)) else ""),
                      "end with `return dW_xh, dW_hh, db, dh_next`.")
    grads, _, dh0 = rnn_backward(dhs, cache)
    expected = (grads.W_xh, grads.W_hh, grads.b, dh0)
    slips = {
        "no future term": (_bptt_variant(dhs, xs, h0, hs, params.W_hh, future=False),
                           "the gradient reaching h_t is dhs[t] *plus* dh_next, what flows back from step t+1: "
                           "without it nothing travels back in time."),
        "no tanh derivative": (_bptt_variant(dhs, xs, h0, hs, params.W_hh, through_tanh=False),
                               "multiply by the derivative of tanh, 1 − h_t², before anything else: "
                               "da_t = dh_t ⊙ (1 − h_t²)."),
        "transposed recurrence": (_bptt_variant(dhs, xs, h0, hs, params.W_hh, transpose_recurrence=True),
                                  "forward is h_{t−1} @ W_hh.T, so backward is da_t @ W_hh (no .T)."),
        "h_t instead of h_{t-1}": (_bptt_variant(dhs, xs, h0, hs, params.W_hh, current_state=True),
                                   "dW_hh collects da_tᵀ h_{t−1}, the state that was *multiplied* by W_hh "
                                   "(h0 at the first step), not h_t."),
    }
    hint = matching_slip(list(answer), slips)
    for what, layout, got, want in zip(("dW_xh", "dW_hh", "db", "dh0"), ("(H, I)", "(H, H)", "(H,)", "(B, H)"),
                                       answer, expected):
        problem = array_problem(got, want, what, layout)
        if problem:
            return report(name, problem, hint or "compare with lessons_lib.rnn.rnn_backward line by line; check "
                                                 "one time step (T = 1) first.")
    return report(name, None, success="It equals lessons_lib.rnn.rnn_backward.")


JACOBIAN_W_HH = np.array([[0.5, 1.0], [0.0, 0.5]])  #: the matrix of the exercise: ρ = 0.5, not normal
JACOBIAN_LAG = 8


def _jacobian_norm_of_power(W_hh, lag) -> float:
    return float(np.linalg.norm(np.linalg.matrix_power(W_hh, lag), ord=2))


def check_jacobian_norm(answer) -> bool:
    """Exercise: ``answer(W_hh, lag)`` returns ‖∂h_T/∂h_{T−lag}‖₂ of a tanh RNN with recurrent matrix ``W_hh``,
    zero input, b = 0 and h_0 = 0 (a number). Checked on W_hh = [[0.5, 1], [0, 0.5]] with lag 8, then on a
    second matrix. A number is accepted too, as the answer for the first case.
    """
    name = "jacobian_norm"
    cases = [(JACOBIAN_W_HH, JACOBIAN_LAG), (np.array([[0.3, -0.8, 0.0], [0.0, 0.6, 0.5], [0.2, 0.0, -0.4]]), 5)]
    for W_hh, lag in cases if callable(answer) else cases[:1]:
        value, error = call_safely(answer, W_hh.copy(), lag) if callable(answer) else (answer, None)
        if error:
            return report(name, error, "with zero input and h_0 = 0 every h_t = 0; what is then ∂h_T/∂h_{T−lag}?")
        problem = _jacobian_norm_problem(value, W_hh, lag)
        if problem:
            return report(name, *problem)
    expected = _jacobian_norm_of_power(JACOBIAN_W_HH, JACOBIAN_LAG)
    return report(name, None, success=f"‖W_hh^8‖₂ = {expected:.4f}: 16 times ρ^8 = {0.5 ** 8:.4f}, although every "
                                      f"eigenvalue is 0.5, and far below the bound σ_max^8 = "
                                      f"{np.linalg.norm(JACOBIAN_W_HH, 2) ** 8:.2f}. A non-normal matrix amplifies "
                                      "for a while.")


def _jacobian_norm_problem(answer, W_hh, lag) -> tuple[str, str] | None:
    """``None`` if ``answer`` is ‖W_hh^lag‖₂, else ``(problem, hint)``."""
    expected = _jacobian_norm_of_power(W_hh, lag)
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return (f"expected one number; got {type(answer).__name__}",
                "e.g. return float(np.linalg.norm(..., ord=2)).")
    if np.isclose(answer, expected, rtol=1e-6, atol=0):
        return None
    rho = float(np.max(np.abs(np.linalg.eigvals(W_hh))))
    slips = {
        "spectral radius": (rho ** lag, f"that is ρ^{lag} from the eigenvalues. It is the norm only for a normal "
                                        f"matrix; this one is not (W Wᵀ ≠ Wᵀ W). Compute the matrix power."),
        "bound": (float(np.linalg.norm(W_hh, ord=2)) ** lag,
                  f"that is σ_max^{lag}, Pascanu et al.'s upper bound; the product W^{lag} is smaller. Compute the "
                  "matrix power itself."),
        "frobenius": (float(np.linalg.norm(np.linalg.matrix_power(W_hh, lag))),
                      "close, but that is the Frobenius norm; use ord=2 (the largest singular value)."),
        "elementwise power": (float(np.linalg.norm(W_hh ** lag, ord=2)),
                              f"W ** {lag} raises each entry to the power {lag}; the Jacobian is the matrix product "
                              f"np.linalg.matrix_power(W, {lag})."),
    }
    hint = next((h for value, h in slips.values() if np.isclose(answer, value, rtol=1e-6, atol=0)), None)
    return (f"for W_hh = {np.array2string(W_hh, separator=', ')} and lag {lag} expected {expected:.6g}; "
            f"got {answer:.6g}",
            hint or "with zero input and h_0 = 0 every h_t = 0, so each 1 − h_t² = 1 and ∂h_T/∂h_{T−lag} = W_hh^lag.")


def _clip_case(seed: int, scale: float) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [scale * rng.standard_normal(shape) for shape in ((4, 3), (4, 4), (4,))]  # like W_xh, W_hh, b


def _scaled(grads: list[np.ndarray], max_norm: float, norm: float) -> list[np.ndarray]:
    """Every array times min(1, max_norm / norm) (unchanged when norm is 0)."""
    return [g * min(1.0, max_norm / norm) for g in grads] if norm > 0 else list(grads)


def _clip_slips(grads: list[np.ndarray], max_norm: float) -> dict[str, tuple[list, str]]:
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    return {
        "per array": ([_scaled([g], max_norm, float(np.linalg.norm(g)))[0] for g in grads],
                      "each array was clipped on its own; clip by the *global* norm sqrt(Σ_k ‖g_k‖²), so the "
                      "direction of the whole gradient is kept."),
        "clamp values": ([np.clip(g, -max_norm, max_norm) for g in grads],
                         "np.clip clamps each entry and changes the gradient's direction; scale instead."),
        "always rescale": ([g * (max_norm / total) for g in grads] if total > 0 else list(grads),
                           "only shrink: gradients whose norm is already below max_norm stay unchanged "
                           "(factor min(1, max_norm / N))."),
        "sum of norms": (_scaled(grads, max_norm, float(sum(np.linalg.norm(g) for g in grads))),
                         "the global norm is sqrt(Σ_k ‖g_k‖²), not Σ_k ‖g_k‖."),
    }


def check_clip_grad_norm(function) -> bool:
    """Exercise: ``function(grads: list of arrays, max_norm) -> list of arrays`` clipped by their *global* norm.

    With N = sqrt(Σ_k ‖g_k‖²), every g_k is multiplied by min(1, max_norm / N) (unchanged when N = 0).
    ``torch.nn.utils.clip_grad_norm_`` uses min(1, max_norm / (N + 1e-6)), which agrees to a relative 1e-6 / N
    and is accepted too. Clipping in place and returning None is accepted too.
    """
    name = "clip_grad_norm"
    max_norm = 1.0
    for seed, scale in ((0, 5.0), (1, 0.05), (2, 0.0)):  # far above, below, and all-zero gradients
        grads = _clip_case(seed, scale)
        passed = [g.copy() for g in grads]
        answer, error = call_safely(function, passed, max_norm)
        if error:
            return report(name, error, "compute one total norm over all arrays, then scale every array by the "
                                       "same factor.")
        answer = passed if answer is None else answer
        if not (isinstance(answer, (list, tuple)) and len(answer) == len(grads)):
            return report(name, f"expected a list of {len(grads)} arrays; got {type(answer).__name__}",
                          "return [g * factor for g in grads].")
        total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
        expected = _scaled(grads, max_norm, float(total))
        for k, (got, want) in enumerate(zip(answer, expected)):
            problem = array_problem(got, want, f"array {k} (total norm {total:.3g}, max_norm {max_norm})")
            if problem:
                return report(name, problem, matching_slip(list(answer), _clip_slips(grads, max_norm)) or
                              "factor = min(1, max_norm / total_norm); multiply every array by it.")
    return report(name, None, success="Direction kept, length capped. torch.nn.utils.clip_grad_norm_ computes the "
                                      "factor as min(1, max_norm / (N + 1e-6)): the same up to 1e-6 / N, and it "
                                      "needs no special case for N = 0.")
