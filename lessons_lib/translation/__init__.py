"""Translation with an encoder–decoder and attention (notebook 07): dates, then English→Chinese.

Time-major everywhere: token ids ``(S, B)``, encoder states ``(S, B, 2H)``, decoder state ``(B, D)``,
logits ``(T, B, V)``, attention weights ``(S, B)`` per step and ``(T, S, B)`` over a sentence.

The model, one idea per module
    vocabulary     tokens ↔ ids; <pad> <bos> <eos> <unk> at ids 0-3
    batching       padding, masks, teacher-forcing pairs (Seq2SeqBatch)
    attention      masked softmax; additive (Bahdanau) and dot-product (Luong) scores, one contract
    seq2seq        bidirectional GRU encoder (packed), GRU-cell decoder with or without attention
    trainer        the loss over real tokens, and the training loop for when it is not the lesson
    decoding       greedy decoding (batched) and beam search (width 1 = greedy)
    attention_map  heatmaps of attention weights with readable (also Chinese) labels
    compact        int8 checkpoints (one scale per row) so that the Tatoeba models stay under 3 MB

Part A: dates
    dates          twenty English and Chinese formats → YYYY-MM-DD, a rule-based reader, the split by date
    date_task      character vocabularies, fresh batches, exact match / per-character accuracy by length,
                   the recipe, translate_date (clear errors for bad input)

Part B: Tatoeba English→Chinese
    tatoeba        loading with attributions, tokens, the length cut, the split by English sentence,
                   bucketed batches, translate_sentence / translate_all
    retrieval      the baseline: the Chinese of the most similar English training sentence (TF-IDF)
    metrics        BLEU written out (bleu_by_hand) and sacrebleu's BLEU ("zh" tokenizer) and chrF

The interactive date translator is :func:`lessons_lib.widgets.date_translator`.
"""
