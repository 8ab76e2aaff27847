"""The torch character LM: shapes, weight tying, stateful evaluation equal to one long pass, checkpoints, training loop."""
import numpy as np
import pytest
import torch
from torch.nn import functional as F

from lessons_lib.language import CharLM, Vocabulary, char_losses, cross_entropy
from lessons_lib.language.char_lm import load_char_lm, save_char_lm, scored_positions
from lessons_lib.language.trainer import LMRecipe, learning_rate, train_char_lm
from lessons_lib.training import CheckpointError, save_checkpoint


def small(cell="lstm", **kwargs):
    torch.manual_seed(0)
    return CharLM(11, embedding_size=6, hidden_size=8, cell=cell, **kwargs)


@pytest.mark.parametrize("cell,layers", [("lstm", 1), ("lstm", 2), ("gru", 2)])
def test_shapes_time_major(cell, layers):
    model = small(cell, num_layers=layers, dropout=0.2 if layers > 1 else 0.0)
    x = torch.randint(0, 11, (7, 3))
    logits, state = model(x)
    assert logits.shape == (7, 3, 11)
    states = state if cell == "lstm" else (state,)
    assert all(s.shape == (layers, 3, 8) for s in states)
    zero = model.initial_state(3)
    assert (zero[0] if cell == "lstm" else zero).shape == (layers, 3, 8)


def test_weight_tying_shares_one_matrix():
    tied = CharLM(11, 8, 8, tie_weights=True)
    assert tied.head.weight is tied.embedding.weight
    untied = CharLM(11, 8, 8)
    assert sum(p.numel() for p in untied.parameters()) - sum(p.numel() for p in tied.parameters()) == 11 * 8
    with pytest.raises(ValueError, match="needs embedding_size == hidden_size"):
        CharLM(11, 6, 8, tie_weights=True)


@pytest.mark.parametrize("call,fragment", [
    (lambda: CharLM(11, cell="rnn"), "cell must be one of"),
    (lambda: CharLM(11, dropout=1.0), "dropout must be a probability"),
    (lambda: CharLM(0), "vocab_size must be a positive integer"),
    (lambda: small()(torch.zeros(2, 3)), "int64 tensor of character ids with shape"),
    (lambda: small()(torch.zeros(2, 3, 1, dtype=torch.int64)), r"shape \(T, B\)"),
])
def test_bad_input(call, fragment):
    with pytest.raises(ValueError, match=fragment):
        call()


def test_stateful_evaluation_equals_one_long_pass_in_text_order():
    model = small()
    ids = np.random.default_rng(0).integers(0, 11, 203)
    losses = char_losses(model, ids, n_streams=4, window=7)          # windows of 7, state carried
    L = 202 // 4
    assert losses.shape == (4 * L,)
    with torch.no_grad():
        for b in range(4):                                          # each stream in one pass, no windows
            x = torch.from_numpy(ids[b * L:(b + 1) * L])[:, None]
            y = torch.from_numpy(ids[b * L + 1:(b + 1) * L + 1])
            expected = F.cross_entropy(model(x)[0][:, 0], y, reduction="none").numpy()
            np.testing.assert_allclose(losses[b * L:(b + 1) * L], expected, rtol=1e-5, atol=1e-6)
    assert cross_entropy(model, ids, 4, 7) == pytest.approx(losses.mean())
    assert scored_positions(203, 4) == slice(1, 4 * L + 1)
    reset = char_losses(model, ids, n_streams=4, window=7, stateful=False)    # zeros at every window's start
    with torch.no_grad():
        x = torch.from_numpy(ids[7:14])[:, None]                              # stream 0, window 1, alone
        expected = F.cross_entropy(model(x)[0][:, 0], torch.from_numpy(ids[8:15]), reduction="none").numpy()
    np.testing.assert_allclose(reset[7:14], expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(reset[:7], losses[:7], rtol=1e-6)           # the first window starts from zeros anyway
    assert not np.allclose(reset[7:14], losses[7:14])


def test_evaluation_restores_training_mode_and_uses_eval_mode():
    model = small(dropout=0.5)
    ids = np.random.default_rng(1).integers(0, 11, 100)
    model.train()
    first = cross_entropy(model, ids, 2, 10)
    assert model.training and cross_entropy(model, ids, 2, 10) == first   # no dropout noise while evaluating


def test_sampling_interface_matches_the_forward_pass():
    model = small()
    prompt = np.array([[1, 2, 3], [4, 5, 6]])
    state = model.start(prompt)
    state = model.advance(state, np.array([7, 8]))
    with torch.no_grad():
        full, _ = model(torch.tensor([[1, 2, 3, 7], [4, 5, 6, 8]]).t())
    np.testing.assert_allclose(model.next_logits(state), full[-1].double().numpy(), rtol=1e-5, atol=1e-6)
    assert model.next_logits(state).dtype == np.float64


def test_checkpoint_round_trip_in_float16(tmp_path):
    model = small(num_layers=2, dropout=0.1)
    vocabulary = Vocabulary(list("abcdefghij"))            # 10 + '�' = 11
    path = save_char_lm(model, vocabulary, tmp_path / "lm.pt", note="test")
    loaded, loaded_vocabulary, metadata = load_char_lm(path)
    assert metadata["note"] == "test" and metadata["weights_dtype"] == "float16"
    assert loaded_vocabulary.characters == vocabulary.characters and loaded_vocabulary.unknown == "\ufffd"
    assert not loaded.training and all(p.dtype == torch.float32 for p in loaded.parameters())
    for (name, a), b in zip(model.state_dict().items(), loaded.state_dict().values()):
        np.testing.assert_allclose(b.numpy(), a.half().float().numpy(), err_msg=name)   # exactly the float16 values
    x = torch.randint(0, 11, (5, 2))
    with torch.no_grad():
        np.testing.assert_allclose(loaded(x)[0].numpy(), model.eval()(x)[0].numpy(), atol=5e-3)


def test_loading_something_else_says_what_is_wrong(tmp_path):
    with pytest.raises(FileNotFoundError, match="benchmarks/char_lm.py"):
        load_char_lm(tmp_path / "missing.pt")
    save_checkpoint(torch.nn.Linear(2, 2), tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="not a CharLM checkpoint"):
        load_char_lm(tmp_path / "other.pt")


def test_learning_rate_schedule_is_a_cosine_from_lr_to_the_floor():
    recipe = LMRecipe(lr=1e-2, lr_floor=0.1)
    assert learning_rate(0.0, recipe) == pytest.approx(1e-2)
    assert learning_rate(0.5, recipe) == pytest.approx(1e-2 * (0.1 + 0.9 * 0.5))
    assert learning_rate(1.0, recipe) == learning_rate(1.5, recipe) == pytest.approx(1e-3)


def hand_loop(model, ids, recipe, stateful):
    """The loop of the trainer's docstring, written out (no evaluation, no schedule: lr_floor = 1)."""
    from lessons_lib.language import tbptt_windows
    optimizer = torch.optim.AdamW(model.parameters(), lr=recipe.lr, weight_decay=recipe.weight_decay)
    windows, state, losses = tbptt_windows(ids, recipe.batch_size, recipe.window), None, []
    for step in range(recipe.steps):
        x, y, index = windows[step % len(windows)]
        state = None if (index == 0 or not stateful) else tuple(s.detach() for s in state)
        logits, state = model(x, state)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), recipe.clip)
        optimizer.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize("stateful", [True, False])
def test_trainer_runs_the_documented_loop(stateful):
    ids = np.random.default_rng(2).integers(0, 11, 400)
    recipe = LMRecipe(batch_size=4, window=9, steps=14, lr=1e-2, lr_floor=1.0, eval_every=7, stateful=stateful)
    reference = small()
    expected = hand_loop(reference, ids, recipe, stateful)
    model = small()
    run = train_char_lm(model, ids, ids[:120], recipe, progress=False)
    assert run.steps == [7, 14] and run.steps_done == 14 and run.stopped_because == "all steps done"
    np.testing.assert_allclose(run.train_loss, [np.mean(expected[:7]), np.mean(expected[7:])], rtol=1e-5)
    if run.best_step == 14:
        for a, b in zip(model.parameters(), reference.parameters()):
            torch.testing.assert_close(a, b)


def test_trainer_learns_and_stops_when_the_time_budget_is_spent():
    text = "to be or not to be, that is the question. " * 30
    vocabulary = Vocabulary.from_text(text, unknown=None)
    ids = vocabulary.encode(text)
    torch.manual_seed(0)
    model = CharLM(len(vocabulary), 8, 32)
    run = train_char_lm(model, ids, ids[:300], LMRecipe(batch_size=4, window=20, steps=150, lr=1e-2, eval_every=50),
                        progress=False)
    assert run.val_loss[-1] < 0.5 * np.log(len(vocabulary)) and run.best_val_loss == min(run.val_loss)
    stopped = train_char_lm(CharLM(len(vocabulary), 8, 8), ids, ids[:100],
                            LMRecipe(steps=10_000, batch_size=4, window=20, seconds=0.3), progress=False)
    assert 1 <= stopped.steps_done < 10_000 and stopped.stopped_because == "time budget of 0.3 s spent"
    assert stopped.steps[-1] == stopped.steps_done and stopped.seconds[-1] >= 0.3
