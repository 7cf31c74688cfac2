#!/usr/bin/env python3
"""Writes the hand-made tokenizer.json fixtures of hf_parity_test.

Each fixture exercises a few tokenizer.json components on a tiny vocabulary
trained here from our own word list (no text from elsewhere). The expected
ids are never stored: hf_parity_test runs the reference on every fixture.
Re-run after editing: python3 make_fixtures.py (deterministic output).
"""
import json
import os
import unicodedata
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))

WORDS = """the of and to in a is that for it as was with be by on not he I this are or his from at which
but have an they you were her she there been one all we their has would when if so no what out up
said about into than them can only other time new some could these two may first then do any like my
now over such our man me even most made after also did many off before must well back through years
where much your way down should because long each just state people high little world very still own
see men work life here between both under never day same another know while last might us great old
year come since against go came right used take three light house garden river morning evening winter
summer letter window door table book chapter story night water stone bread city village mountain forest
friend mother father brother sister child children king queen voice heart hand eyes face road ship sea
don't won't it's I'm we'll they've she'd can't wasn't
maison jardin rivière été hiver soleil lumière château forêt cœur naïve déjà où très
straße größe über schön mädchen müde weiß
дом река утро вечер зима лето
ελπίδα θάλασσα
hello world tokenizer piece
""".split()

NUMBERS = ["0", "1", "2", "3", "12", "42", "100", "1999", "2024", "3.14"]
PUNCT = list(".,;:!?\"'()[]-—…«»“”‘’/&%$#@*+=<>_|~^`{}\\")


def corpus():
    # A deterministic bag of words with frequencies from a simple LCG.
    state = 12345
    counts = Counter()
    for i in range(20000):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        w = WORDS[state % len(WORDS)]
        if state % 7 == 0:
            w = w.capitalize()
        counts[w] += 1 + (state >> 20) % 3
    for n in NUMBERS:
        counts[n] += 30
    return counts


def train_bpe(word_counts, alphabet, merges_wanted, split_word):
    """Plain BPE training: returns (vocab list, merges list of pairs)."""
    vocab = list(alphabet)
    seen = set(vocab)
    words = {tuple(split_word(w)): c for w, c in word_counts.items()}
    merges = []
    while len(merges) < merges_wanted:
        pairs = Counter()
        for syms, c in words.items():
            for a, b in zip(syms, syms[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        (a, b), _ = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        merges.append((a, b))
        new = a + b
        if new not in seen:
            seen.add(new)
            vocab.append(new)
        nw = {}
        for syms, c in words.items():
            out = []
            i = 0
            while i < len(syms):
                if i + 1 < len(syms) and syms[i] == a and syms[i + 1] == b:
                    out.append(new)
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            nw[tuple(out)] = nw.get(tuple(out), 0) + c
        words = nw
    return vocab, merges


def bytes_to_unicode():
    bs = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def added(id_, content, special=True, normalized=None, lstrip=False, rstrip=False, single_word=False):
    return {"id": id_, "content": content, "single_word": single_word, "lstrip": lstrip, "rstrip": rstrip,
            "normalized": (not special) if normalized is None else normalized, "special": special}


def tokenizer(model, normalizer=None, pre_tokenizer=None, post_processor=None, added_tokens=()):
    return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": list(added_tokens),
            "normalizer": normalizer, "pre_tokenizer": pre_tokenizer, "post_processor": post_processor,
            "decoder": None, "model": model}


def write(name, data):
    with open(os.path.join(HERE, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.write("\n")


def vocab_dict(tokens, start=0):
    return {t: i + start for i, t in enumerate(tokens)}


def main():
    counts = corpus()

    # 1. Byte-level BPE, GPT-2 style: ByteLevel with its regex and a prefix
    #    space, NFC, string-form merges, added tokens with strip rules.
    b2u = bytes_to_unicode()
    alphabet = [b2u[b] for b in range(256)]
    bl_counts = Counter()
    for w, c in counts.items():
        enc = "".join(b2u[b] for b in (" " + w).encode())
        bl_counts[enc] += c
        bl_counts["".join(b2u[b] for b in w.encode())] += c // 3 + 1
    vocab, merges = train_bpe(bl_counts, alphabet, 400, lambda w: list(w))
    specials = ["<|endoftext|>", "<mask>", "<s>"]
    v = vocab_dict(vocab)
    n = len(v)
    toks = [added(n, "<|endoftext|>"), added(n + 1, "<mask>", lstrip=True), added(n + 2, "<s>", rstrip=True),
            added(n + 3, "hello world", special=False), added(n + 4, "piece", special=False, single_word=True)]
    write("bpe_byte_level_gpt2", tokenizer(
        {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
         "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "vocab": v,
         "merges": [a + " " + b for a, b in merges]},
        normalizer={"type": "NFC"},
        pre_tokenizer={"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        post_processor={"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        added_tokens=toks))

    # 2. Byte-level BPE behind Split regexes (Qwen-like pattern through
    #    PCRE2, digits split), NFKC, pair-form merges, ignore_merges.
    write("bpe_byte_level_split", tokenizer(
        {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
         "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": True,
         "vocab": v, "merges": [[a, b] for a, b in merges]},
        normalizer={"type": "NFKC"},
        pre_tokenizer={"type": "Sequence", "pretokenizers": [
            {"type": "Digits", "individual_digits": True},
            {"type": "Split", "pattern": {"Regex": r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"},
             "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}]},
        added_tokens=[added(n, "<|im_start|>"), added(n + 1, "<|im_end|>")]))

    # 3. SentencePiece-style BPE: Prepend + Replace normalizers, byte
    #    fallback, unk fusing (llama-2 shape), plus a lstrip special.
    sp_counts = Counter()
    for w, c in counts.items():
        sp_counts["▁" + w] += c
    chars = sorted({ch for w in sp_counts for ch in w})
    byte_toks = ["<0x%02X>" % b for b in range(256)]
    base = ["<unk>", "<s>", "</s>"] + byte_toks
    sp_vocab, sp_merges = train_bpe(sp_counts, chars, 300, lambda w: list(w))
    spv = vocab_dict(base + sp_vocab)
    write("bpe_sentencepiece_byte_fallback", tokenizer(
        {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
         "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "vocab": spv,
         "merges": [a + " " + b for a, b in sp_merges]},
        normalizer={"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"},
                                                        {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
        post_processor={"type": "TemplateProcessing",
                        "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                        "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
                        "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
        added_tokens=[added(0, "<unk>"), added(1, "<s>"), added(2, "</s>", lstrip=True)]))

    # 4. SentencePiece-style BPE with Metaspace (prepend first, split) and
    #    unk without byte fallback and without fusing; Strip + NFD + StripAccents.
    spv2 = vocab_dict(["<unk>"] + sp_vocab)
    write("bpe_metaspace_unk", tokenizer(
        {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
         "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "vocab": spv2,
         "merges": [[a, b] for a, b in sp_merges]},
        normalizer={"type": "Sequence", "normalizers": [{"type": "Strip", "strip_left": True, "strip_right": True},
                                                        {"type": "NFD"}, {"type": "StripAccents"}]},
        pre_tokenizer={"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": True},
        added_tokens=[added(0, "<unk>")]))

    # 5. BPE with continuing_subword_prefix and end_of_word_suffix, fused unk,
    #    Lowercase + NFKD, WhitespaceSplit then Punctuation.
    def split_pre_suf(w):
        out = []
        for i, ch in enumerate(w):
            s = ch if i == 0 else "##" + ch
            if i == len(w) - 1:
                s += "</w>"
            out.append(s)
        return out
    lower_counts = Counter()
    for w, c in counts.items():
        lower_counts[unicodedata.normalize("NFKD", w.lower())] += c
    alph = sorted({s for w in lower_counts for s in split_pre_suf(w)} |
                  {ch for w in lower_counts for ch in w} | {"##" + ch for w in lower_counts for ch in w})
    ps_vocab, ps_merges = train_bpe(lower_counts, alph, 300, split_pre_suf)
    # Merges must name real tokens with the prefix convention: a + b[2:].
    fixed = []
    vs = set(ps_vocab)
    for a, b in ps_merges:
        new = a + (b[2:] if b.startswith("##") else b)
        if b.startswith("##") and new not in vs:
            vs.add(new)
            ps_vocab.append(new)
        if b.startswith("##"):
            fixed.append((a, b))
    psv = vocab_dict(["[UNK]"] + ps_vocab)
    write("bpe_prefix_suffix", tokenizer(
        {"type": "BPE", "dropout": None, "unk_token": "[UNK]", "continuing_subword_prefix": "##",
         "end_of_word_suffix": "</w>", "fuse_unk": True, "byte_fallback": False, "vocab": psv,
         "merges": [a + " " + b for a, b in fixed]},
        normalizer={"type": "Sequence", "normalizers": [{"type": "NFKD"}, {"type": "Lowercase"}]},
        pre_tokenizer={"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"},
                                                             {"type": "Punctuation", "behavior": "Isolated"}]},
        added_tokens=[added(0, "[UNK]")]))

    # 6. WordPiece, BERT uncased: BertNormalizer, BertPreTokenizer,
    #    TemplateProcessing [CLS] A [SEP].
    wp = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    pieces = set()
    for w in counts:
        lw = "".join(ch for ch in unicodedata.normalize("NFD", w.lower()) if unicodedata.category(ch) != "Mn")
        pieces.add(lw)
        for k in range(1, len(lw)):
            if k <= 3:
                pieces.add(lw[:k])
            pieces.add("##" + lw[k:])
        for ch in lw:
            pieces.add(ch)
            pieces.add("##" + ch)
    for p in PUNCT + NUMBERS + list("0123456789"):
        pieces.add(p)
        pieces.add("##" + p)
    wpv = vocab_dict(wp + sorted(pieces))
    write("wordpiece_bert_uncased", tokenizer(
        {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
         "max_input_chars_per_word": 100, "vocab": wpv},
        normalizer={"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                    "strip_accents": None, "lowercase": True},
        pre_tokenizer={"type": "BertPreTokenizer"},
        post_processor={"type": "TemplateProcessing",
                        "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                   {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                        "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
                        "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                                           "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
        added_tokens=[added(i, t) for i, t in enumerate(wp)]))

    # 7. WordPiece cased with a short max word, BertNormalizer without
    #    lowercasing, Whitespace + Digits(individual) pre-tokenizers.
    write("wordpiece_cased_digits", tokenizer(
        {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
         "max_input_chars_per_word": 12, "vocab": wpv},
        normalizer={"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": False,
                    "strip_accents": False, "lowercase": False},
        pre_tokenizer={"type": "Sequence", "pretokenizers": [{"type": "Whitespace"},
                                                             {"type": "Digits", "individual_digits": True}]},
        post_processor={"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
        added_tokens=[added(i, t) for i, t in enumerate(wp)]))

    # 8. Unigram (T5/XLM-R shape without the charsmap): Metaspace always,
    #    byte fallback, scores from our corpus frequencies.
    total = sum(counts.values())
    import math
    uni = {}
    for w, c in counts.items():
        sw = "▁" + w
        for i in range(len(sw)):
            for j in range(i + 1, min(len(sw), i + 6) + 1):
                uni[sw[i:j]] = uni.get(sw[i:j], 0) + c
    uvocab = [["<pad>", 0.0], ["</s>", 0.0], ["<unk>", 0.0]] + [["<0x%02X>" % b, 0.0] for b in range(256)]
    for piece, c in sorted(uni.items(), key=lambda kv: (-kv[1], kv[0]))[:1500]:
        uvocab.append([piece, round(math.log(c / total) - 0.1 * len(piece), 6)])
    write("unigram_metaspace_byte_fallback", tokenizer(
        {"type": "Unigram", "unk_id": 2, "vocab": uvocab, "byte_fallback": True},
        normalizer={"type": "Sequence", "normalizers": [{"type": "NFKC"},
                    {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
        pre_tokenizer={"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True},
        post_processor={"type": "TemplateProcessing",
                        "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                        "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
                        "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}}},
        added_tokens=[added(0, "<pad>"), added(1, "</s>"), added(2, "<unk>")]))

    # 9. Unigram without byte fallback (unk fusing), WhitespaceSplit,
    #    Lowercase, Metaspace never + no split.
    write("unigram_unk_whitespace", tokenizer(
        {"type": "Unigram", "unk_id": 2, "vocab": uvocab[:3] + uvocab[259:]},
        normalizer={"type": "Lowercase"},
        pre_tokenizer={"type": "Sequence", "pretokenizers": [
            {"type": "WhitespaceSplit"},
            {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "never", "split": False}]},
        added_tokens=[added(0, "<pad>"), added(1, "</s>"), added(2, "<unk>")]))

    # 10-14. WordLevel behind each Split behaviour and the other splitters.
    wl = ["<unk>"]
    for w in counts:
        wl += [w, " " + w, w.lower(), w + ".", w + ","]
    wl += PUNCT + [" " + p for p in PUNCT] + NUMBERS + [" ", "  ", "\n", "\n\n", "-", "—"]
    wlv = {}
    for t in wl:
        wlv.setdefault(t, len(wlv))

    def wordlevel(name, pre, normalizer=None):
        write(name, tokenizer({"type": "WordLevel", "vocab": wlv, "unk_token": "<unk>"},
                              normalizer=normalizer, pre_tokenizer=pre))

    wordlevel("wordlevel_split_merged_with_previous",
              {"type": "Split", "pattern": {"String": " "}, "behavior": "MergedWithPrevious", "invert": False})
    wordlevel("wordlevel_split_merged_with_next",
              {"type": "Split", "pattern": {"Regex": r"\s"}, "behavior": "MergedWithNext", "invert": False},
              normalizer={"type": "Prepend", "prepend": " "})
    wordlevel("wordlevel_split_contiguous_removed",
              {"type": "Sequence", "pretokenizers": [
                  {"type": "Split", "pattern": {"Regex": r"[\p{P}\p{S}]"}, "behavior": "Contiguous", "invert": False},
                  {"type": "Split", "pattern": {"Regex": r"\s+"}, "behavior": "Removed", "invert": False}]})
    wordlevel("wordlevel_split_invert",
              {"type": "Split", "pattern": {"Regex": r"\w+"}, "behavior": "Removed", "invert": True},
              normalizer={"type": "Replace", "pattern": {"Regex": r"\d"}, "content": "0"})
    wordlevel("wordlevel_char_delimiter",
              {"type": "CharDelimiterSplit", "delimiter": " "},
              normalizer={"type": "Sequence", "normalizers": [{"type": "Strip", "strip_left": False, "strip_right": True},
                                                              {"type": "NFKC"}]})
    wordlevel("wordlevel_whitespace_punct_contiguous",
              {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"},
                                                     {"type": "Punctuation", "behavior": "Contiguous"},
                                                     {"type": "Digits", "individual_digits": False}]})
    # Oniguruma's shorthand classes inside and outside brackets (\w differs:
    # ²³¹¼½¾ only outside), \h (hex digits), and properties by script name
    # and alias, on the Unicode 16.0 characters of the "recent" cases.
    wordlevel("wordlevel_split_shorthand_classes",
              {"type": "Sequence", "pretokenizers": [
                  {"type": "Split", "pattern": {"Regex": r"\h+|\p{Hani}+|\p{Garay}+|\p{Latin}+"},
                   "behavior": "Isolated", "invert": False},
                  {"type": "Split", "pattern": {"Regex": r"[\w]+|\w|[^\W\d]"}, "behavior": "Isolated", "invert": False},
                  {"type": "Split", "pattern": {"Regex": r"[^\S\n]+"}, "behavior": "Removed", "invert": False},
                  {"type": "Split", "pattern": {"Regex": r"[\d\P{L}]"}, "behavior": "MergedWithNext", "invert": False},
                  {"type": "Split", "pattern": {"Regex": r"[\D]{3}"}, "behavior": "Isolated", "invert": False}]})
    # UnicodeScripts alone (hf_parity_test adds cases covering every code
    # point for fixtures named *unicode_scripts*), and after WhitespaceSplit.
    wordlevel("wordlevel_unicode_scripts", {"type": "UnicodeScripts"})
    wordlevel("wordlevel_whitespace_unicode_scripts",
              {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, {"type": "UnicodeScripts"}]})


if __name__ == "__main__":
    main()
