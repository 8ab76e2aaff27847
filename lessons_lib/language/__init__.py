"""Character language models (notebook 06): text in, next-character probabilities out, honest baselines.

Modules, one idea each, in the order the notebook uses them:

    vocabulary      Vocabulary: characters <-> ids, the unknown-character policy
    corpus          tiny Shakespeare and the Tang quatrains from data/; contiguous train/val/test splits
    numpy_char_rnn  a character RNN in numpy on lessons_lib.rnn: softmax output layer, its gradient, Adam
    ngram           NGramModel: interpolated absolute discounting, every order up to n; choose_order
    metrics         nats/char, bits/char, perplexity
    tbptt           B parallel streams cut into windows of T; stateful batches and detach_state
    char_lm         CharLM (embedding → LSTM/GRU → linear, optional weight tying); stateful evaluation
    trainer         train_char_lm: the notebook's loop with a schedule, evaluation and a time cap (benchmarks)
    sampling        temperature, top-k and a seed, one interface for every model (start/next_logits/advance)
    numpy_stepper   NumpyStepper: a trained CharLM's equations in numpy, five times faster one character at a time
    poems           well-formed quatrains, sampled poems, acrostic poems (藏头诗)
    course          notebook 06's corpora, its n-gram chosen on validation, its checkpoints (notebook and explorer)

Shapes are time-major: character ids ``(T, B)``, logits ``(T, B, V)``, states ``(num_layers, B, H)``.
"""
from .char_lm import CharLM, char_losses, cross_entropy  # noqa: F401
from .corpus import (FRACTIONS, Poem, Split, contiguous_split, load_shakespeare, load_tang_quatrains,  # noqa: F401
                     poems_to_text)
from .metrics import bits_per_char, describe, perplexity  # noqa: F401
from .ngram import NGramModel, choose_order  # noqa: F401
from .poems import acrostic, is_well_formed, sample_poems, well_formed_rate  # noqa: F401
from .sampling import generate, sample_ids, temperature_probabilities  # noqa: F401
from .tbptt import Window, detach_state, streams, tbptt_windows  # noqa: F401
from .vocabulary import UNKNOWN, Vocabulary  # noqa: F401
