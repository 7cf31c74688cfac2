// The Unigram model (T5, XLM-R, ALBERT): Viterbi over the scored pieces of a
// byte trie, unknown characters scored min_score - 10 and fused, then
// optional byte fallback — the reference's "optimized" encoder exactly
// (same floating-point additions in the same order, ties keep the first).
#include <cmath>
#include <limits>
#include <unordered_map>

#include "tokenizers/hf/byte_trie.h"
#include "tokenizers/hf/json_util.h"
#include "tokenizers/hf/model.h"
#include "tokenizers/hf/unicode.h"

namespace epubtok::tokenizers::hf {
namespace json = boost::json;
namespace {

constexpr double kUnkPenalty = 10.0;

class UnigramModel final : public Model {
 public:
  UnigramModel(const json::object& o, const std::string& path) {
    const json::value* vocab = o.if_contains("vocab");
    if (!vocab) fail_at(path, "missing \"vocab\"");
    const json::array& arr = need_array(*vocab, path + ".vocab");
    if (arr.empty()) fail_at(path + ".vocab", "is empty");
    pieces_.reserve(arr.size());
    scores_.reserve(arr.size());
    min_score_ = std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < arr.size(); ++i) {
      std::string ipath = path + ".vocab[" + std::to_string(i) + "]";
      const json::array& e = need_array(arr[i], ipath);
      if (e.size() != 2) fail_at(ipath, "must be [piece, score]");
      std::string piece(need_string(e[0], ipath + "[0]"));
      const json::value& sv = e[1];
      double score = sv.is_double()   ? sv.get_double()
                     : sv.is_int64()  ? double(sv.get_int64())
                     : sv.is_uint64() ? double(sv.get_uint64())
                                      : (fail_at(ipath + "[1]", "score must be a number"), 0.0);
      pieces_.push_back(piece);
      scores_.push_back(score);
      ids_[piece] = uint32_t(i);
      if (score < min_score_) min_score_ = score;
      uint32_t node = trie_.insert(piece);
      if (node != 0 && trie_.value(node) < 0) trie_.value(node) = int64_t(i);
    }
    if (has_non_null(o, "unk_id")) {
      int64_t u = get_int(o, "unk_id", path, 0);
      if (u < 0 || size_t(u) >= pieces_.size()) fail_at(path + ".unk_id", "is not a vocabulary index");
      unk_id_ = uint32_t(u);
    }
    byte_fallback_ = get_bool(o, "byte_fallback", path, false);
  }

  bool tokenize(std::string_view s, std::vector<uint32_t>& out) const override {
    size_t n = s.size();
    struct Best {
      double score = 0;
      int64_t start = -1;
      uint32_t id = 0;
    };
    thread_local std::vector<Best> best;
    best.assign(n + 1, Best{});
    double unk_score = min_score_ - kUnkPenalty;
    for (size_t at = 0; at < n;) {
      double here = best[at].score;
      size_t mblen = utf8_len(static_cast<unsigned char>(s[at]));
      bool has_single = false;
      uint32_t node = 0;
      for (size_t k = at; k < n; ++k) {
        node = trie_.child(node, static_cast<unsigned char>(s[k]));
        if (node == 0) break;
        int64_t id = trie_.value(node);
        if (id < 0) continue;
        // The reference looks the piece up again by string: a duplicated
        // piece resolves to its last index.
        uint32_t pid = ids_.at(pieces_[size_t(id)]);
        size_t end = k + 1;
        double cand = scores_[pid] + here;
        Best& t = best[end];
        if (t.start < 0 || cand > t.score) {
          t.score = cand;
          t.start = int64_t(at);
          t.id = pid;
        }
        if (end - at == mblen) has_single = true;
      }
      if (!has_single) {
        if (!unk_id_) return false;
        Best& t = best[at + mblen];
        double cand = unk_score + here;
        if (t.start < 0 || cand > t.score) {
          t.score = cand;
          t.start = int64_t(at);
          t.id = *unk_id_;
        }
      }
      at += mblen;
    }
    // Walk back; fuse runs of unknowns (fuse_unk is always on for Unigram).
    thread_local std::vector<std::pair<size_t, size_t>> spans;  // [begin, end)
    thread_local std::vector<bool> is_unk;
    spans.clear();
    is_unk.clear();
    for (size_t end = n; end > 0;) {
      const Best& b = best[end];
      size_t start = size_t(b.start);
      bool unk = unk_id_ && b.id == *unk_id_;
      if (unk && !spans.empty() && is_unk.back()) {
        spans.back().first = start;
      } else {
        spans.emplace_back(start, end);
        is_unk.push_back(unk);
      }
      end = start;
    }
    size_t mark = out.size();
    for (size_t k = spans.size(); k-- > 0;) {
      std::string_view piece = s.substr(spans[k].first, spans[k].second - spans[k].first);
      auto it = ids_.find(std::string(piece));
      if (it != ids_.end()) {
        out.push_back(it->second);
        continue;
      }
      if (byte_fallback_) {
        bool all = true;
        size_t m2 = out.size();
        for (unsigned char c : piece) {
          static const char* kHex = "0123456789ABCDEF";
          std::string bt = "<0x";
          bt += kHex[c >> 4];
          bt += kHex[c & 15];
          bt += '>';
          auto bi = ids_.find(bt);
          if (bi == ids_.end()) {
            all = false;
            break;
          }
          out.push_back(bi->second);
        }
        if (all) continue;
        out.resize(m2);
      }
      if (!unk_id_) {
        out.resize(mark);
        return false;
      }
      out.push_back(*unk_id_);
    }
    return true;
  }

  std::optional<uint32_t> token_to_id(std::string_view token) const override {
    auto it = ids_.find(std::string(token));
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  }
  uint64_t vocab_size() const override { return pieces_.size(); }
  const char* type() const override { return "Unigram"; }

 private:
  std::vector<std::string> pieces_;
  std::vector<double> scores_;
  std::unordered_map<std::string, uint32_t> ids_;
  ByteTrie<int64_t> trie_{-1};  // node → first vocabulary index of that piece, or -1
  double min_score_ = 0;
  std::optional<uint32_t> unk_id_;
  bool byte_fallback_ = false;
};

}  // namespace

std::unique_ptr<Model> make_unigram(const json::object& o, const std::string& path) {
  return std::make_unique<UnigramModel>(o, path);
}

}  // namespace epubtok::tokenizers::hf
