"""NumpyStepper: the CharLM's equations written out in numpy give the torch module's logits, step after step,
and the same sampled text."""
import numpy as np
import pytest
import torch

from lessons_lib.language import CharLM, Vocabulary, generate
from lessons_lib.language.numpy_stepper import NumpyStepper


def trained_looking(cell, layers, tie):
    """A CharLM with non-trivial weights (biases too) and dropout, which evaluation must switch off."""
    torch.manual_seed(1)
    size = 12 if tie else 10
    model = CharLM(17, 12, size, num_layers=layers, cell=cell, dropout=0.3, tie_weights=tie)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(0.3 * torch.randn_like(parameter))
    return model.train()          # left in training mode on purpose


@pytest.mark.parametrize("cell,layers,tie", [("lstm", 1, False), ("lstm", 2, True), ("gru", 1, False),
                                             ("gru", 3, False)])
def test_logits_equal_the_modules_step_after_step(cell, layers, tie):
    model = trained_looking(cell, layers, tie)
    stepper = NumpyStepper(model)
    rng = np.random.default_rng(0)
    prompt = rng.integers(0, 17, size=(3, 5))                       # a batch of three prompts
    torch_state, numpy_state = model.start(prompt), stepper.start(prompt)
    for _ in range(20):
        expected = model.next_logits(torch_state)
        np.testing.assert_allclose(stepper.next_logits(numpy_state), expected, rtol=0, atol=2e-5)
        ids = rng.integers(0, 17, size=3)
        torch_state, numpy_state = model.advance(torch_state, ids), stepper.advance(numpy_state, ids)
    assert model.training, "the module's own mode is left alone"


def test_the_same_text_as_the_module():
    text = "to be or not to be, that is the question\n" * 3
    vocabulary = Vocabulary.from_text(text, unknown=None)
    torch.manual_seed(0)
    model = CharLM(len(vocabulary), 8, 32)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.mul_(4.0)                                      # a peaked distribution, as a trained model's
    stepper = NumpyStepper(model)
    for seed in range(3):
        assert generate(stepper, vocabulary, "to be", 80, 0.8, None, seed) == \
            generate(model, vocabulary, "to be", 80, 0.8, None, seed)


def test_reading_the_same_prompt_again_reuses_the_state_which_nothing_changes():
    stepper = NumpyStepper(trained_looking("lstm", 1, False))
    state = stepper.start(np.array([[1, 2, 3]]))
    kept = [array.copy() for array in state]
    stepper.advance(stepper.advance(state, np.array([4])), np.array([5]))
    assert stepper.start(np.array([[1, 2, 3]])) is state
    assert all(np.array_equal(a, b) for a, b in zip(state, kept))
    assert stepper.start(np.array([[1, 2]])) is not state


def test_it_is_a_snapshot():
    model = trained_looking("lstm", 1, False)
    stepper = NumpyStepper(model)
    before = stepper.next_logits(stepper.start(np.array([[1, 2]])))
    with torch.no_grad():
        model.head.bias.add_(1.0)
    np.testing.assert_array_equal(stepper.next_logits(stepper.start(np.array([[1, 2]]))), before)


@pytest.mark.parametrize("call,fragment", [
    (lambda s: NumpyStepper(torch.nn.LSTM(3, 4)), "model must be a CharLM"),
    (lambda s: s.start(np.array([1, 2])), "prompt_ids must be 2-D integer ids"),
    (lambda s: s.start(np.zeros((1, 0), dtype=int)), "P >= 1"),
    (lambda s: s.start(np.array([[0.5]])), "dtype float64"),
    (lambda s: s.start(np.array([[3, 17]])), r"must lie in \[0, 17\); got values in \[3, 17\]"),
])
def test_bad_input(call, fragment):
    with pytest.raises(ValueError, match=fragment):
        call(NumpyStepper(trained_looking("lstm", 1, False)))
