"""Batches, the three recognisers (shapes, memory, padding) and the training recipe's pieces."""
import numpy as np
import pytest
import torch

from lessons_lib.speech.batches import NUM_CLASSES, batch_ctc_loss, classes_to_text, digits_to_classes, make_batch
from lessons_lib.speech.features import FeatureConfig
from lessons_lib.speech.models import FrameClassifier, RecurrentRecognizer, count_parameters
from lessons_lib.speech.recipe import Recipe, build_model, prepare, score, train_recognizer, training_batch, transcribe
from lessons_lib.speech.recordings import load_recordings
from lessons_lib.speech.utterances import partition_utterances, split_recordings
from lessons_lib.training import load_checkpoint, save_checkpoint


def test_classes_and_text():
    assert digits_to_classes([0, 9, 3]) == [1, 10, 4]
    assert classes_to_text([0, 4, 4, 0, 2]) == "_33_1"
    assert NUM_CLASSES == 11
    with pytest.raises(ValueError, match="digits must be integers 0-9"):
        digits_to_classes([10])


def test_make_batch_pads_time_major():
    features = [np.ones((5, 3), np.float32), 2 * np.ones((8, 3), np.float32)]
    batch = make_batch(features, [(1, 2), (7,)])
    assert batch.features.shape == (8, 2, 3)                           # (T_max, B, F)
    assert batch.lengths.tolist() == [5, 8] and batch.target_lengths.tolist() == [2, 1]
    assert batch.targets.tolist() == [[2, 3], [8, -1]]
    assert batch.texts == ("12", "7")
    assert torch.all(batch.features[5:, 0] == 0) and torch.all(batch.features[:, 1] == 2)


@pytest.mark.parametrize("features, digits, fragment", [
    ([np.ones((2, 3), np.float32)], [(4, 4)], "needs at least 3"),
    ([np.ones((2, 3), np.float32)], [(1, 2, 3)], "too short"),
    ([np.ones((5, 3), np.float32), np.ones((5, 4), np.float32)], [(1,), (2,)], "same feature size"),
    ([np.ones((5, 3), np.float32)], [(1,), (2,)], "one digit string per feature array"),
])
def test_make_batch_refuses(features, digits, fragment):
    with pytest.raises(ValueError, match=fragment):
        make_batch(features, digits)


def small_batch(seed=0, B=3, F=6):
    rng = np.random.default_rng(seed)
    features = [rng.standard_normal((int(T), F)).astype(np.float32) for T in rng.integers(6, 12, size=B)]
    return make_batch(features, [tuple(rng.integers(0, 10, size=2)) for _ in range(B)])


@pytest.mark.parametrize("model", [FrameClassifier(6, 16), RecurrentRecognizer(6, 8, 1, bidirectional=False),
                                   RecurrentRecognizer(6, 8, 2, bidirectional=True)])
def test_every_model_outputs_log_probabilities_and_ignores_padding(model):
    torch.manual_seed(0)
    batch = small_batch()
    model.eval()
    with torch.no_grad():
        log_probs = model(batch.features, batch.lengths)
        assert log_probs.shape == (batch.features.shape[0], 3, NUM_CLASSES)
        torch.testing.assert_close(log_probs.exp().sum(-1), torch.ones(log_probs.shape[:2]))
        for b, T in enumerate(batch.lengths.tolist()):                   # alone, without padding: the same outputs
            alone = model(batch.features[:T, b:b + 1], batch.lengths[b:b + 1])
            torch.testing.assert_close(alone[:, 0], log_probs[:T, b], atol=1e-5, rtol=1e-5)
    loss = batch_ctc_loss(model(batch.features, batch.lengths), batch)
    loss.backward()
    assert torch.isfinite(loss) and count_parameters(model) > 0


def test_memory_the_mlp_has_none_the_lstm_looks_back_the_bilstm_both_ways():
    torch.manual_seed(0)
    x = torch.randn(10, 1, 6)
    changed = x.clone()
    changed[5] += 1.0                                                   # change one input step
    for model, earlier_moves, later_moves in [(FrameClassifier(6, 16), False, False),
                                              (RecurrentRecognizer(6, 8, 1, bidirectional=False), False, True),
                                              (RecurrentRecognizer(6, 8, 1, bidirectional=True), True, True)]:
        with torch.no_grad():
            diff = (model(changed) - model(x)).abs().amax(dim=(1, 2))  # (T,)
        assert diff[5] > 0
        assert bool(diff[:5].max() > 1e-6) == earlier_moves, model
        assert bool(diff[6:].max() > 1e-6) == later_moves, model


@pytest.fixture(scope="module")
def splits():
    return split_recordings(load_recordings())


def test_training_batches_are_seeded_and_augmented(splits):
    recipe = Recipe(batch_size=4, speed=(0.9, 1.1), noise_snr_db=(20, 30), warp=(0.9, 1.1), masks=True)
    a, b = training_batch(splits.train, recipe, step=3), training_batch(splits.train, recipe, step=3)
    c = training_batch(splits.train, recipe, step=4)
    assert a.texts == b.texts and torch.equal(a.features, b.features)
    assert a.texts != c.texts
    assert a.features.shape[1:] == (4, recipe.features.size)
    assert (a.features == 0).all(dim=2).any()                           # a masked stretch of frames (all bands 0)


def test_recipe_round_trips_through_checkpoint_metadata(tmp_path):
    recipe = Recipe(model="lstm", hidden_size=8, num_layers=1, speed=(0.9, 1.1),
                    features=FeatureConfig(normalise="global", mean=(0.0,) * 40, std=(1.0,) * 40))
    model = build_model(recipe)
    path = save_checkpoint(model, tmp_path / "m.pt", recipe=recipe.to_metadata())
    again = Recipe.from_metadata(load_checkpoint(build_model(recipe), path)["recipe"])
    assert again == recipe
    with pytest.raises(ValueError, match="model must be one of"):
        Recipe(model="transformer")


def test_a_few_training_steps_lower_the_loss_and_keep_the_best_weights(splits):
    torch.manual_seed(0)
    recipe = Recipe(model="bilstm", hidden_size=16, num_layers=1, batch_size=8, max_digits=2, lr=1e-2)
    validation = prepare(partition_utterances(splits.validation[:20], seed=0, max_digits=2))
    model = build_model(recipe)
    before = score(model, validation).loss
    run = train_recognizer(model, recipe, splits.train, validation, max_steps=12, eval_every=4, progress=False)
    assert run.history.steps == [4, 8, 12] and len(run.val_error_rate) == 3 and run.steps_run == 12
    assert min(run.history.val_loss) < before
    assert score(model, validation).loss == pytest.approx(min(run.history.val_loss), rel=1e-5)
    assert all(set(t) <= set("0123456789") for t in transcribe(model, validation, beam_width=2))
