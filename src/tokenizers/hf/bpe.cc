// The BPE model. Hand-written (not a library) because it is the product's
// hot loop: ids-only merging over a flat open-addressing pair table.
//
// Semantics follow the reference's merge_word/merge_all exactly: initial
// symbols per character (with continuing_subword_prefix on non-first and
// end_of_word_suffix on the last), byte_fallback to <0xXX> tokens, unk
// fusing, then repeatedly merge the adjacent pair with the lowest merge rank,
// leftmost first.
//
// Design:
//  - Short pieces (the common case after a regex pre-tokenizer) use a
//    vector scan with cached pair ranks: O(n^2) compares but n is small and
//    it stays in cache. Long pieces (SentencePiece models without a
//    pre-tokenizer see whole paragraphs) use a heap over a linked list.
//  - Byte-level models are re-keyed to raw bytes at load, so the input is
//    never mapped to the GPT-2 alphabet and each byte's id is a table lookup.
//  - SentencePiece models are cut before every "▁" that no vocabulary entry
//    straddles (checked at load), so the tokenizer can cache paragraph parts.
#include <algorithm>
#include <bit>
#include <cstring>
#include <mutex>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "core/compiled_file.h"
#include "tokenizers/bpe/merge.h"
#include "tokenizers/bpe/split_filter.h"
#include "tokenizers/hf/json_util.h"
#include "tokenizers/hf/model.h"
#include "tokenizers/hf/pre_tokenizers.h"
#include "tokenizers/hf/string_map.h"
#include "tokenizers/hf/unicode.h"

namespace epubtok::tokenizers::hf {
namespace json = boost::json;
namespace {

constexpr uint32_t kNone = 0xFFFFFFFFu;
// Words of up to this many symbols merge in merge_small().
constexpr size_t kSmall = 64;

// The merges as a map (left id, right id) -> (rank, merged id): open
// addressing with linear probing, each key stored beside its entry in one
// 16-byte slot so that a lookup (a likely cache miss on a word not seen
// before) touches one cache line. Read through a plain pointer into either
// its own vector (reserve() + insert()) or a mapped compiled file (view()).
class PairMap {
 public:
  struct Entry {
    uint32_t rank;
    uint32_t id;
  };
  // A record of the compiled file's pair section, hence a fixed layout.
  struct Slot {
    uint64_t key;  // (a << 32) | b, or kEmpty
    Entry entry;
  };
  void reserve(size_t n) {
    size_t cap = 16;
    while (cap < n * 2) cap <<= 1;
    slots_.assign(cap, Slot{kEmpty, Entry{kNone, kNone}});
    set_table(slots_.data(), cap);
  }
  // Uses `slots` (as slots() gave them; `count` of them full, fewer than
  // all, so probing ends) in place. False, changing nothing, when they do
  // not fit.
  bool view(std::span<const Slot> slots, size_t count, std::shared_ptr<const void> keep) {
    if (slots.empty() || (slots.size() & (slots.size() - 1)) != 0 || count >= slots.size()) return false;
    slots_.clear();
    set_table(slots.data(), slots.size());
    count_ = count;
    keep_ = std::move(keep);
    return true;
  }
  std::span<const Slot> slots() const { return {slots_p_, slots_p_ == nullptr ? 0 : mask_ + 1}; }
  size_t size() const { return count_; }
  // Later merges of the same pair replace earlier ones (as a hash map insert does).
  void insert(uint32_t a, uint32_t b, Entry e) {
    const uint64_t key = (uint64_t(a) << 32) | b;
    size_t i = slot(key);
    while (slots_[i].key != kEmpty && slots_[i].key != key) i = (i + 1) & mask_;
    if (slots_[i].key == kEmpty) ++count_;
    slots_[i] = Slot{key, e};
  }
  const Entry* find(uint32_t a, uint32_t b) const {
    const uint64_t key = (uint64_t(a) << 32) | b;
    for (size_t i = slot(key);; i = (i + 1) & mask_) {
      const Slot& s = slots_p_[i];
      if (s.key == key) return &s.entry;
      if (s.key == kEmpty) return nullptr;
    }
  }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t(0);
  void set_table(const Slot* slots, size_t cap) {
    slots_p_ = slots;
    mask_ = cap - 1;
    shift_ = 64 - static_cast<unsigned>(std::countr_zero(cap));
  }
  // Fibonacci hashing: the top bits of the product are the well-mixed ones.
  size_t slot(uint64_t key) const { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift_); }
  std::vector<Slot> slots_;  // owned storage (reserve, insert); empty for a view
  const Slot* slots_p_ = nullptr;
  size_t mask_ = 0;
  unsigned shift_ = 60;
  size_t count_ = 0;
  std::shared_ptr<const void> keep_;  // a view's storage
};

std::string byte_token(unsigned char b) {
  static const char* kHex = "0123456789ABCDEF";
  std::string s = "<0x";
  s += kHex[b >> 4];
  s += kHex[b & 15];
  s += '>';
  return s;
}

class BpeModel final : public Model {
 public:
  BpeModel(const json::object& o, const std::string& path, const ModelOptions& options) {
    raw_ = options.byte_level_input;
    if (has_non_null(o, "dropout")) {
      double d = get_double(o, "dropout", path, 0.0);
      if (d != 0.0) fail_unsupported(path + ".dropout", "BPE option", "dropout (random merges cannot be counted)");
    }
    if (has_non_null(o, "unk_token")) unk_token_ = get_string(o, "unk_token", path);
    prefix_ = get_string(o, "continuing_subword_prefix", path);
    suffix_ = get_string(o, "end_of_word_suffix", path);
    fuse_unk_ = get_bool(o, "fuse_unk", path, false);
    byte_fallback_ = get_bool(o, "byte_fallback", path, false);
    ignore_merges_ = get_bool(o, "ignore_merges", path, false);

    if (options.tables) {
      if (!view_tables(*options.tables)) throw TablesDoNotFit{};
      return;
    }
    const json::value* vocab = o.if_contains("vocab");
    if (!vocab) fail_at(path, "missing \"vocab\"");
    const json::object& vo = need_object(*vocab, path + ".vocab");
    vocab_.reserve(vo.size());
    for (const auto& kv : vo) {
      const json::value& idv = kv.value();
      if (!idv.is_int64() && !idv.is_uint64()) {
        fail_at(path + ".vocab[\"" + std::string(kv.key()) + "\"]", "id must be an integer");
      }
      int64_t id = idv.is_int64() ? idv.get_int64() : int64_t(idv.get_uint64());
      if (id < 0 || id >= int64_t(kNone))
        fail_at(path + ".vocab[\"" + std::string(kv.key()) + "\"]", "id out of range");
      vocab_.set(std::string_view(kv.key().data(), kv.key().size()), uint32_t(id));
    }

    load_merges(o, path);

    if (unk_token_) {
      uint32_t u = vocab_.find(*unk_token_);
      if (u != kNone) unk_id_ = u;
    }
    for (int b = 0; b < 256; ++b) fallback_ids_[b] = vocab_.find(byte_token(static_cast<unsigned char>(b)));

    if (raw_) {
      // Re-key to raw bytes: decode each token from the GPT-2 alphabet; tokens
      // with other characters can never be produced from byte-level input.
      char32_t inverse_needed[256];
      for (int b = 0; b < 256; ++b) inverse_needed[b] = byte_level_char(static_cast<unsigned char>(b));
      std::unordered_map<char32_t, unsigned char> inverse;
      for (int b = 0; b < 256; ++b) inverse[inverse_needed[b]] = static_cast<unsigned char>(b);
      input_vocab_.reserve(vocab_.size());
      vocab_.for_each([&](std::string_view tok, uint32_t id) {
        if (!is_valid_utf8(tok)) return;
        std::string raw;
        bool ok = true;
        for (size_t i = 0; i < tok.size();) {
          size_t len;
          char32_t cp = decode_valid_utf8(tok, i, &len);
          auto it = inverse.find(cp);
          if (it == inverse.end()) {
            ok = false;
            break;
          }
          raw.push_back(static_cast<char>(it->second));
          i += len;
        }
        if (ok) input_vocab_.set(raw, id);
      });
      for (int b = 0; b < 256; ++b) {
        std::string s;
        append_utf8(s, byte_level_char(static_cast<unsigned char>(b)));
        unit_ids_[b] = vocab_.find(s);
      }
    } else {
      // Single-character ids for the common code points.
      char_ids_.assign(kCharTable, kNone);
      vocab_.for_each([&](std::string_view tok, uint32_t id) {
        if (tok.empty() || !is_valid_utf8(tok)) return;
        size_t len;
        char32_t cp = decode_valid_utf8(tok, 0, &len);
        if (len == tok.size() && cp < kCharTable) char_ids_[cp] = id;
      });
      setup_sentencepiece_split();
    }
  }

  bool tokenize(std::string_view piece, std::vector<uint32_t>& out) const override {
    if (piece.empty()) return true;
    if (ignore_merges_) {
      uint32_t id = (raw_ ? input_vocab_ : vocab_).find(piece);
      if (id != kNone) {
        out.push_back(id);
        return true;
      }
    }
    return merge_piece(piece, out);
  }

  bool tokenize_merged(std::string_view piece, std::vector<uint32_t>& out) const override {
    return piece.empty() || merge_piece(piece, out);
  }

  // tokenize() after the whole-piece lookup: initial symbols, then merges.
  bool merge_piece(std::string_view piece, std::vector<uint32_t>& out) const {
    thread_local std::vector<uint32_t> syms;
    syms.clear();
    if (!initial_symbols(piece, syms)) return false;
    if (syms.size() <= kSmall) {
      merge_small(syms);
    } else {
      merge_large(syms);
    }
    out.insert(out.end(), syms.begin(), syms.end());
    return true;
  }

  std::optional<uint32_t> token_to_id(std::string_view token) const override {
    uint32_t id = vocab_.find(token);
    if (id == kNone) return std::nullopt;
    return id;
  }
  uint64_t vocab_size() const override { return vocab_.size(); }
  const char* type() const override { return "BPE"; }

  bool splits_for_cache() const override { return sp_split_; }
  std::span<const uint64_t> marker_joins() const override {
    return sp_split_ ? std::span<const uint64_t>(sp_no_cut_after_) : std::span<const uint64_t>();
  }

  // Exact for byte-level models: every byte is a symbol of its own and
  // every merge makes a token of input_vocab_, so a position no token of
  // it spans is never merged across (split_filter.h's argument). Not with
  // a subword prefix or suffix, which make a symbol depend on where its
  // part starts or ends.
  const bpe::SplitFilter* split_filter() const override {
    if (!raw_ || !prefix_.empty() || !suffix_.empty()) return nullptr;
    if (mapped_split_) return mapped_split_.get();
    std::call_once(split_once_, [this] {
      for (uint32_t id : unit_ids_) {
        if (id == kNone) return;  // a byte with no symbol: parts could fail where the whole does not
      }
      std::vector<std::pair<std::string, bpe::Rank>> tokens;
      tokens.reserve(input_vocab_.size());
      input_vocab_.for_each([&](std::string_view tok, uint32_t id) { tokens.emplace_back(std::string(tok), id); });
      split_ = std::make_unique<const bpe::SplitFilter>(tokens);
    });
    return split_.get();
  }

  bool write_tables(compiled::Writer& out) const override {
    const TableMeta meta{raw_ ? 1u : 0u, sp_split_ ? 1u : 0u, unk_id_ ? 1u : 0u, unk_id_.value_or(0),
                         vocab_.size(),  input_vocab_.size(), merges_.size()};
    out.add_records(kModelSections + kMeta, std::span<const TableMeta>(&meta, 1));
    out.add_records(kModelSections + kVocabSlots, vocab_.slots());
    out.add(kModelSections + kVocabArena, vocab_.arena());
    out.add_records(kModelSections + kInputSlots, input_vocab_.slots());
    out.add(kModelSections + kInputArena, input_vocab_.arena());
    out.add_records(kModelSections + kPairs, merges_.slots());
    out.add_records(kModelSections + kCharIds, std::span<const uint32_t>(char_ids_));
    out.add_records(kModelSections + kNoCutAfter, std::span<const uint64_t>(sp_no_cut_after_));
    out.add_records(kModelSections + kUnitIds, std::span<const uint32_t>(unit_ids_));
    out.add_records(kModelSections + kFallbackIds, std::span<const uint32_t>(fallback_ids_));
    if (const bpe::SplitFilter* split = split_filter()) split->write_sections(out, kModelSections + kSplitFilter);
    return true;
  }

  void split_for_cache(std::string_view piece, std::vector<std::string_view>& out) const override {
    if (!sp_split_ || piece.size() < kMarkerCutMinBytes) {
      out.push_back(piece);
      return;
    }
    // Cut before each "▁" (E2 96 81) whose preceding character no vocabulary
    // entry joins to a following "▁".
    size_t start = 0;
    size_t i = 1;
    while (true) {
      const void* hit = std::memchr(piece.data() + i, 0xE2, piece.size() - i);
      if (!hit) break;
      size_t p = static_cast<const char*>(hit) - piece.data();
      i = p + 1;
      if (p + 3 > piece.size() || piece[p + 1] != '\x96' || piece[p + 2] != '\x81') continue;
      size_t k = p - 1;
      while (k > 0 && (static_cast<unsigned char>(piece[k]) & 0xC0) == 0x80) --k;
      size_t len;
      char32_t prev = decode_valid_utf8(piece, k, &len);
      if (prev == 0x2581 || no_cut_after(prev)) continue;
      if (p > start) out.push_back(piece.substr(start, p - start));
      start = p;
    }
    out.push_back(piece.substr(start));
  }

 private:
  static constexpr char32_t kCharTable = 0x30000;

  // The sections of write_tables(), from kModelSections.
  enum : uint32_t {
    kMeta,        // one TableMeta
    kVocabSlots,  // vocab_ (StringIdMap::Slot records)
    kVocabArena,  // its key bytes
    kInputSlots,  // input_vocab_ (byte-level models; else empty)
    kInputArena,
    kPairs,        // merges_ (PairMap::Slot records)
    kCharIds,      // char_ids_ (kCharTable entries, or none for byte-level models)
    kNoCutAfter,   // sp_no_cut_after_ (or none)
    kUnitIds,      // unit_ids_[256]
    kFallbackIds,  // fallback_ids_[256]
    kSplitFilter,  // split_filter()'s bpe::SplitFilter::kSections sections, when it has one
  };
  struct TableMeta {
    uint32_t raw;
    uint32_t sp_split;
    uint32_t has_unk_id;
    uint32_t unk_id;
    uint64_t vocab_count;
    uint64_t input_count;
    uint64_t merge_count;
  };

  // Takes the tables write_tables() stored; false when they do not fit
  // this model (another byte-level setting, missing or misshapen sections).
  bool view_tables(const compiled::Reader& in) {
    const auto meta = in.records<TableMeta>(kModelSections + kMeta);
    const auto vocab_slots = in.records<StringIdMap::Slot>(kModelSections + kVocabSlots);
    const auto vocab_arena = in.section(kModelSections + kVocabArena);
    const auto input_slots = in.records<StringIdMap::Slot>(kModelSections + kInputSlots);
    const auto input_arena = in.section(kModelSections + kInputArena);
    const auto pairs = in.records<PairMap::Slot>(kModelSections + kPairs);
    const auto char_ids = in.records<uint32_t>(kModelSections + kCharIds);
    const auto no_cut = in.records<uint64_t>(kModelSections + kNoCutAfter);
    const auto unit_ids = in.records<uint32_t>(kModelSections + kUnitIds);
    const auto fallback_ids = in.records<uint32_t>(kModelSections + kFallbackIds);
    if (!meta || meta->size() != 1 || !vocab_slots || !vocab_arena || !input_slots || !input_arena || !pairs ||
        !char_ids || !no_cut || !unit_ids || unit_ids->size() != 256 || !fallback_ids || fallback_ids->size() != 256) {
      return false;
    }
    const TableMeta& m = (*meta)[0];
    if ((m.raw != 0) != raw_) return false;
    if (!raw_ && char_ids->size() != kCharTable) return false;
    if (m.sp_split != 0 && no_cut->size() != (0x10FFFF >> 6) + 1) return false;
    const auto keep = in.keep_alive();
    if (!vocab_.view(*vocab_slots, *vocab_arena, m.vocab_count, keep)) return false;
    if (raw_ && !input_vocab_.view(*input_slots, *input_arena, m.input_count, keep)) return false;
    if (!merges_.view(*pairs, m.merge_count, keep)) return false;
    char_ids_.assign(char_ids->begin(), char_ids->end());
    sp_no_cut_after_.assign(no_cut->begin(), no_cut->end());
    std::copy(unit_ids->begin(), unit_ids->end(), unit_ids_);
    std::copy(fallback_ids->begin(), fallback_ids->end(), fallback_ids_);
    sp_split_ = m.sp_split != 0;
    if (m.has_unk_id != 0) unk_id_ = m.unk_id;
    // Files written before the filter was stored have no such sections:
    // split_filter() then builds it on first use.
    auto split = std::make_unique<bpe::SplitFilter>();
    if (bpe::SplitFilter::from_sections(in, kModelSections + kSplitFilter, *split)) mapped_split_ = std::move(split);
    return true;
  }

  void load_merges(const json::object& o, const std::string& path) {
    const json::value* mv = o.if_contains("merges");
    if (!mv) fail_at(path, "missing \"merges\"");
    const json::array& merges = need_array(*mv, path + ".merges");
    merges_.reserve(merges.size());
    std::string merged;
    for (size_t i = 0; i < merges.size(); ++i) {
      auto mpath = [&] { return path + ".merges[" + std::to_string(i) + "]"; };
      std::string_view a, b;
      const json::value& m = merges[i];
      if (m.is_string()) {
        const json::string& js = m.get_string();
        std::string_view s(js.data(), js.size());
        size_t sp = s.find(' ');
        if (sp == std::string_view::npos)
          fail_at(mpath(), "merge \"" + std::string(s) + "\" is not two tokens separated by a space");
        a = s.substr(0, sp);
        b = s.substr(sp + 1);
      } else if (m.is_array() && m.get_array().size() == 2) {
        // Paths are built only on failure: half a million to_string calls
        // were a tenth of gemma-3's load time.
        const json::array& pair = m.get_array();
        if (!pair[0].is_string()) need_string(pair[0], mpath() + "[0]");
        if (!pair[1].is_string()) need_string(pair[1], mpath() + "[1]");
        a = std::string_view(pair[0].get_string().data(), pair[0].get_string().size());
        b = std::string_view(pair[1].get_string().data(), pair[1].get_string().size());
      } else {
        fail_at(mpath(), "merge must be \"a b\" or [\"a\", \"b\"]");
      }
      uint32_t ia = vocab_.find(a);
      if (ia == kNone) fail_at(mpath(), "token \"" + std::string(a) + "\" is not in the vocabulary");
      uint32_t ib = vocab_.find(b);
      if (ib == kNone) fail_at(mpath(), "token \"" + std::string(b) + "\" is not in the vocabulary");
      if (b.size() < prefix_.size())
        fail_at(mpath(), "token \"" + std::string(b) + "\" is shorter than continuing_subword_prefix");
      merged.assign(a);
      merged.append(b.substr(prefix_.size()));
      uint32_t im = vocab_.find(merged);
      if (im == kNone) fail_at(mpath(), "merged token \"" + merged + "\" is not in the vocabulary");
      merges_.insert(ia, ib, PairMap::Entry{uint32_t(i), im});
    }
  }

  void setup_sentencepiece_split() {
    // Only plain models: prefixes, suffixes and ignore_merges depend on
    // where a word starts, and "▁" itself must be a known token so it never
    // joins an unknown run.
    if (ignore_merges_ || !prefix_.empty() || !suffix_.empty()) return;
    if (vocab_.find("\xE2\x96\x81") == kNone) return;
    sp_no_cut_after_.assign((0x10FFFF >> 6) + 1, 0);
    vocab_.for_each([&](std::string_view tok, uint32_t) {
      if (tok.size() < 4 || !is_valid_utf8(tok)) return;
      char32_t prev = 0;
      for (size_t i = 0; i < tok.size();) {
        size_t len;
        char32_t cp = decode_valid_utf8(tok, i, &len);
        if (cp == 0x2581 && i > 0 && prev != 0x2581) sp_no_cut_after_[prev >> 6] |= uint64_t(1) << (prev & 63);
        prev = cp;
        i += len;
      }
    });
    sp_split_ = true;
  }

  uint32_t lookup_unit(std::string_view unit) const { return vocab_.find(unit); }

  bool initial_symbols(std::string_view w, std::vector<uint32_t>& syms) const {
    if (!prefix_.empty() || !suffix_.empty()) return initial_symbols_from(w, 0, syms);
    // Undecorated units: one table lookup each, until one needs more (no
    // id in the table: a rare code point, byte fallback or unk), which
    // initial_symbols_from() takes from there with nothing pending.
    const size_t n = w.size();
    const size_t base = syms.size();
    syms.resize(base + n);
    uint32_t* out = syms.data() + base;
    const auto* p = reinterpret_cast<const unsigned char*>(w.data());
    size_t k = 0;
    if (raw_) {
      for (; k < n; ++k) {
        const uint32_t id = unit_ids_[p[k]];
        if (id == kNone) break;
        out[k] = id;
      }
      syms.resize(base + k);
      return k == n || initial_symbols_from(w, k, syms);
    }
    for (size_t i = 0; i < n;) {
      size_t len = 1;
      const char32_t cp = p[i] < 0x80 ? char32_t(p[i]) : decode_valid_utf8(p + i, &len);
      const uint32_t id = cp < kCharTable ? char_ids_[cp] : kNone;
      if (id == kNone) {
        syms.resize(base + k);
        return initial_symbols_from(w, i, syms);
      }
      out[k++] = id;
      i += len;
    }
    syms.resize(base + k);
    return true;
  }

  // initial_symbols() for w[from, end), with nothing pending before it.
  bool initial_symbols_from(std::string_view w, size_t from, std::vector<uint32_t>& syms) const {
    uint32_t unk_pending = kNone;
    bool has_pending = false;
    size_t n = w.size();
    std::string scratch;
    for (size_t i = from; i < n;) {
      size_t len = raw_ ? 1 : utf8_len(static_cast<unsigned char>(w[i]));
      bool is_first = i == 0;
      bool is_last = i + len >= n;
      uint32_t id;
      bool decorated = (!is_first && !prefix_.empty()) || (is_last && !suffix_.empty());
      if (raw_ && !decorated) {
        id = unit_ids_[static_cast<unsigned char>(w[i])];
      } else if (!raw_ && !decorated) {
        size_t l2;
        char32_t cp = decode_valid_utf8(w, i, &l2);
        id = cp < kCharTable ? char_ids_[cp] : lookup_unit(w.substr(i, len));
      } else {
        scratch.clear();
        if (!is_first) scratch += prefix_;
        if (raw_) {
          append_utf8(scratch, byte_level_char(static_cast<unsigned char>(w[i])));
        } else {
          scratch.append(w.substr(i, len));
        }
        if (is_last) scratch += suffix_;
        id = lookup_unit(scratch);
      }
      if (id != kNone) {
        if (has_pending) {
          syms.push_back(unk_pending);
          has_pending = false;
        }
        syms.push_back(id);
        i += len;
        continue;
      }
      if (byte_fallback_) {
        // The bytes of the (decorated) unit, each as <0xXX>, if all exist.
        std::string unit;
        if (!is_first) unit += prefix_;
        if (raw_) {
          append_utf8(unit, byte_level_char(static_cast<unsigned char>(w[i])));
        } else {
          unit.append(w.substr(i, len));
        }
        if (is_last) unit += suffix_;
        bool all = true;
        for (unsigned char c : unit) all = all && fallback_ids_[c] != kNone;
        if (all) {
          // A pending unk stays pending, as in the reference.
          for (unsigned char c : unit) syms.push_back(fallback_ids_[c]);
          i += len;
          continue;
        }
      }
      if (!unk_token_ || !unk_id_) return false;
      if (has_pending && fuse_unk_) {
        // extend the pending unk
      } else {
        if (has_pending) syms.push_back(unk_pending);
        unk_pending = *unk_id_;
        has_pending = true;
      }
      i += len;
    }
    if (has_pending) syms.push_back(unk_pending);
    return true;
  }

  // Symbols as bpe::merge_flat() sees them: sym[k] is part k's id, and
  // merged[k] the id the pair (k, k + 1) merges into, set as it is ranked.
  struct FlatSymbols {
    const PairMap& merges;
    uint32_t* sym;
    uint32_t* merged;
    bpe::Rank pair_rank(size_t k) const {
      const PairMap::Entry* e = merges.find(sym[k], sym[k + 1]);
      merged[k] = e ? e->id : kNone;
      return e ? e->rank : bpe::kNoRank;
    }
    void merge(size_t k, size_t count, bpe::Rank /*rank*/) {
      sym[k] = merged[k];
      bpe::remove_at(sym, k + 1, count - 1);
      bpe::remove_at(merged, k + 1, count - 2);
    }
  };

  // Merges ids.size() <= kSmall symbols by rescanning their pair ranks
  // (bpe::merge_flat): for short words this beats merge_large()'s heap.
  void merge_small(std::vector<uint32_t>& ids) const {
    const size_t n = ids.size();
    if (n < 2) return;
    uint32_t sym[kSmall + bpe::kPairScanPadding];
    uint32_t merged[kSmall + bpe::kPairScanPadding];
    int32_t key[kSmall + bpe::kPairScanPadding];
    std::copy(ids.begin(), ids.end(), sym);
    FlatSymbols parts{merges_, sym, merged};
    ids.assign(sym, sym + bpe::merge_flat(parts, n, key));
  }

  // Symbols as bpe::merge_linked() sees them, named by their index in ids.
  struct LinkedSymbols {
    const PairMap& merges;
    std::vector<uint32_t>& ids;
    std::vector<uint32_t>& merged;  // merged[i]: the id the pair starting at i merges into
    bpe::Rank pair_rank(uint32_t i, uint32_t j, uint32_t /*after_j*/) const {
      const PairMap::Entry* e = merges.find(ids[i], ids[j]);
      merged[i] = e ? e->id : kNone;
      return e ? e->rank : bpe::kNoRank;
    }
    void merge(uint32_t i, uint32_t /*j*/, bpe::Rank /*rank*/) { ids[i] = merged[i]; }
  };

  // Merges any number of symbols (bpe::merge_linked).
  void merge_large(std::vector<uint32_t>& ids) const {
    thread_local bpe::LinkedMergeScratch scratch;
    thread_local std::vector<uint32_t> merged;
    const size_t n = ids.size();
    merged.resize(n);
    LinkedSymbols parts{merges_, ids, merged};
    bpe::merge_linked(parts, n, scratch);
    size_t w = 0;
    for (size_t i = 0; i < n; i = scratch.next[i]) ids[w++] = ids[i];
    ids.resize(w);
  }

  bool raw_ = false;
  std::optional<std::string> unk_token_;
  std::optional<uint32_t> unk_id_;
  std::string prefix_, suffix_;
  bool fuse_unk_ = false, byte_fallback_ = false, ignore_merges_ = false;
  StringIdMap vocab_;        // tokens as written in tokenizer.json
  StringIdMap input_vocab_;  // byte-level models: tokens as raw bytes
  PairMap merges_;
  uint32_t unit_ids_[256];
  uint32_t fallback_ids_[256];
  std::vector<uint32_t> char_ids_;
  bool sp_split_ = false;
  // Bit per code point: some vocabulary entry joins it to a following "▁".
  // A bitset, not a hash set: it is tested at every "▁" of the text.
  std::vector<uint64_t> sp_no_cut_after_;
  bool no_cut_after(char32_t cp) const { return (sp_no_cut_after_[cp >> 6] >> (cp & 63)) & 1; }
  mutable std::once_flag split_once_;
  mutable std::unique_ptr<const bpe::SplitFilter> split_;  // see split_filter(): built on first use
  std::unique_ptr<const bpe::SplitFilter> mapped_split_;   // or read from a compiled file
};

}  // namespace

std::unique_ptr<Model> make_bpe(const json::object& o, const std::string& path, const ModelOptions& options) {
  return std::make_unique<BpeModel>(o, path, options);
}

}  // namespace epubtok::tokenizers::hf
