"""Tatoeba pairs: loading with attributions, tokens, the length cut, the split by English sentence, batches."""
import pytest

from lessons_lib.translation import tatoeba as tb
from lessons_lib.translation.vocabulary import PAD_ID


@pytest.fixture(scope="module")
def pairs():
    return tb.load_pairs()


def test_every_pair_keeps_its_attribution(pairs):
    assert len(pairs) == 29155
    assert pairs[0] == tb.Pair("Hi.", "嗨。", "CC-BY 2.0 (France) Attribution: tatoeba.org #538123 (CM) & #891077 (Martha)")
    assert all(p.attribution.startswith("CC-BY 2.0 (France) Attribution: tatoeba.org #") for p in pairs)


def test_load_refuses_malformed_lines(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("Hi.\t嗨。\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.tsv:1"):
        tb.load_pairs(path)


def test_tokens():
    assert tb.english_tokens("Don't go, Tom!") == ["don't", "go", ",", "tom", "!"]
    assert tb.english_tokens("It's 3 o'clock.") == ["it's", "3", "o'clock", "."]
    assert tb.chinese_tokens("我累死了。") == ["我", "累", "死", "了", "。"]
    assert tb.chinese_tokens("汤姆 在吗？") == ["汤", "姆", "在", "吗", "？"]


def test_length_cut(pairs):
    short = tb.keep_short(pairs)
    assert 0.9 < len(short) / len(pairs) < 0.93
    assert all(len(tb.english_tokens(p.english)) <= 10 and len(tb.chinese_tokens(p.chinese)) <= 20 for p in short)


def test_split_by_english_sentence(pairs):
    split = tb.split_by_english(pairs[:6000], seed=0)
    keys = [{tb.english_key(p.english) for p in part} for part in (split.train, split.val, split.test)]
    assert not (keys[0] & keys[1]) and not (keys[0] & keys[2]) and not (keys[1] & keys[2])
    assert len(split.train) + len(split.val) + len(split.test) == 6000
    assert tb.split_by_english(pairs[:6000], seed=0) == split
    english, refs = tb.references(split.test)
    assert len(english) == len(keys[2]) and sum(map(len, refs)) <= len(split.test)
    assert any(len(r) > 1 for r in tb.references(pairs[:6000])[1])        # several translations of one sentence
    with pytest.raises(ValueError):
        tb.split_by_english(pairs[:100], val_fraction=0.6, test_fraction=0.5)


def test_references_group_translations():
    group = [tb.Pair("Hi.", "嗨。", "a"), tb.Pair("hi .", "你好。", "b"), tb.Pair("Run.", "跑。", "c"),
             tb.Pair("Hi.", "嗨。", "d")]
    assert tb.references(group) == (["Hi.", "Run."], [["嗨。", "你好。"], ["跑。"]])


def test_vocabularies_come_from_training_pairs_only():
    train = [tb.Pair("I like tea.", "我喜欢茶。", ""), tb.Pair("I like coffee.", "我喜欢咖啡。", "")]
    vocab = tb.build_vocabularies(train, min_english_count=2)
    assert vocab.english.tokens[4:] == ["i", "like", "."]                 # tea and coffee seen once
    assert "咖" in vocab.chinese and "狗" not in vocab.chinese
    sources, targets = tb.encode_pairs(train, vocab)
    assert vocab.english.decode(sources[0]) == ["i", "like", "<unk>", "."]
    assert "".join(vocab.chinese.decode(targets[1])) == "我喜欢咖啡。"


def test_pair_batches_cover_an_epoch_with_similar_lengths():
    sources = [[4 + i] * (1 + i % 7) for i in range(200)]                # source i starts with id 4 + i
    targets = [[5] * (1 + (i * 3) % 11) for i in range(200)]
    next_batch = tb.pair_batches(sources, targets, batch_size=10, seed=1, bucket=5)
    epochs = []
    for epoch in range(2):
        seen = []
        for step in range(20 * epoch, 20 * epoch + 20):                  # one epoch: 200 / 10 batches
            batch = next_batch(step)
            lengths = batch.decoder_target.ne(PAD_ID).sum(0)
            assert batch.source.shape[1] == 10 and int(lengths.max() - lengths.min()) <= 4   # sorted in buckets
            seen += (batch.source[0] - 4).tolist()
        assert sorted(seen) == list(range(200))                          # every pair once per epoch
        epochs.append(seen)
    assert epochs[0] != epochs[1]                                        # a new shuffle each epoch
    assert next_batch(0).source.equal(tb.pair_batches(sources, targets, 10, seed=1, bucket=5)(0).source)
    with pytest.raises(ValueError):
        tb.pair_batches(sources[:5], targets[:5], batch_size=10)


@pytest.mark.parametrize("text, fragment", [("", "empty"), ("  ?! ", None), ("word " * 26, "at most 25"),
                                            ("zyzzyva qwxz", "none of the words"), (3, "must be a string")])
def test_encode_english_bad_input(text, fragment):
    vocabulary = tb.build_vocabularies([tb.Pair("I like tea ?!", "我", "")] * 2).english
    if fragment is None:
        tokens, ids, unknown = tb.encode_english(text, vocabulary)
        assert tokens == ["?", "!"] and unknown == []
        return
    with pytest.raises(ValueError, match=fragment):
        tb.encode_english(text, vocabulary)


def test_unknown_words_are_reported_not_refused():
    vocabulary = tb.build_vocabularies([tb.Pair("I like tea.", "我", "")] * 2).english
    tokens, ids, unknown = tb.encode_english("I like zebras.", vocabulary)
    assert unknown == ["zebras"] and ids[2] == 3
