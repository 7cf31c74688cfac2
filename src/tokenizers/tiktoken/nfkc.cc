#include "tokenizers/tiktoken/nfkc.h"

#include <utf8proc.h>

#include <cstdlib>
#include <cstring>

#include "core/utf8.h"

namespace epubtok::tokenizers::tiktoken {
namespace {

// True when `cp` is unchanged by NFKC whatever surrounds it (given a
// starter before it).
bool is_inert(char32_t cp) {
  if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0xAC00 && cp <= 0xD7A3)) return false;  // Hangul: algorithmic
  const utf8proc_property_t* prop = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
  return prop->decomp_seqindex == UINT16_MAX && prop->combining_class == 0 && prop->comb_index == UINT16_MAX &&
         !prop->comp_exclusion;
}

// The BMP characters that normalisation leaves alone next to anything
// ("stable"), as a bitset (8 KB) generated at build time from the linked
// utf8proc (gen_nfkc_stable_bmp.cc): a character is stable when it is a
// starter (combining class 0), NFKC maps it to itself, it is never the
// second part of a canonical composition, and neither is the first
// character of its canonical decomposition. Then nothing before it can
// compose with it and nothing is reordered across it, so text can be cut
// right before it; what follows it may compose with it, which is why a
// normalised stretch starts with the stable character before it.
//
// Why not is_inert() alone: it also excludes every first part of a
// composition, i.e. most kana (か composes with U+3099 into が), so Japanese
// text would go through utf8proc nearly whole. Other planes keep
// is_inert(), a subset of stable. Generated rather than built at run time:
// building it walks every code point through utf8proc, which the first
// count of any non-ASCII text would pay.
constexpr uint64_t kStableBmp[0x10000 / 64] = {
#include "nfkc_stable_bmp.inc"
};

bool stable_char(char32_t cp) { return cp < 0x10000 ? (kStableBmp[cp >> 6] >> (cp & 63)) & 1 : is_inert(cp); }

// The NFKC of the compatibility characters of CJK prose whose mapping is
// ASCII: full-width forms U+FF01..U+FF5E (Chinese commas, question marks,
// brackets, digits, Latin letters), U+3000 IDEOGRAPHIC SPACE and U+2026
// HORIZONTAL ELLIPSIS; null for anything else. Mapped directly when the next
// character cannot combine (see nfkc_if_needed), so that Chinese prose's
// commas and stops do not each go through utf8proc. The mappings are checked against utf8proc in tiktoken_test.cc.
const char* ascii_compat_mapping(char32_t cp) {
  static const struct Table {
    char full_width[0x5E][2];
    Table() : full_width() {
      for (int i = 0; i < 0x5E; ++i) full_width[i][0] = static_cast<char>(0x21 + i);
    }
  } table;
  if (cp >= 0xFF01 && cp <= 0xFF5E) return table.full_width[cp - 0xFF01];
  if (cp == 0x3000) return " ";
  if (cp == 0x2026) return "...";
  return nullptr;
}

void append_normalized(std::string_view unit, std::string& out) {
  // Replace invalid bytes by U+FFFD first: utf8proc rejects invalid input.
  std::string clean;
  const auto* p = reinterpret_cast<const unsigned char*>(unit.data());
  const auto* end = p + unit.size();
  while (p < end) {
    Utf8Char c = decode_utf8(p, end);
    if (c.cp == kReplacementChar && c.len == 1) {
      clean += "\xEF\xBF\xBD";
    } else {
      clean.append(reinterpret_cast<const char*>(p), c.len);
    }
    p += c.len;
  }
  utf8proc_uint8_t* mapped = nullptr;
  utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(clean.data()), static_cast<utf8proc_ssize_t>(clean.size()),
                   &mapped, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
  if (n < 0) {
    out += clean;  // cannot happen for valid UTF-8; keep the text rather than lose it
  } else {
    out.append(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
  }
  std::free(mapped);
}

}  // namespace

bool nfkc_if_needed(std::string_view text, std::string& out) {
  const auto* base = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t copied = 0;  // text[0, copied) is already in out (only once changed)
  bool changed = false;
  size_t i = 0;
  while (i < n) {
    if (base[i] < 0x80) {
      ++i;
      // Eight bytes at a time through ASCII text (claude on English).
      while (i + 8 <= n) {
        uint64_t w;
        std::memcpy(&w, base + i, 8);
        if (w & 0x8080808080808080ull) break;
        i += 8;
      }
      continue;
    }
    // Within a run of non-ASCII characters, normalise only the stretches
    // of unstable characters, each with the character before it (the
    // run's preceding ASCII character or a stable character: a starter
    // the stretch may compose with). Cutting before a stable character is
    // exact (see kStableBmp). (Normalising whole runs would send entire
    // Chinese paragraphs through utf8proc for one full-width comma.)
    const size_t run_start = i;
    size_t unit_start = run_start > 0 ? run_start - 1 : 0;
    auto is_ok = [&](const Utf8Char& c) { return !(c.cp == kReplacementChar && c.len == 1) && stable_char(c.cp); };
    while (i < n && base[i] >= 0x80) {
      const Utf8Char c = decode_utf8(base + i, base + n);
      i += c.len;
      if (is_ok(c)) {
        unit_start = i - c.len;  // an unstable stretch after it may compose with it
        continue;
      }
      // A character with an ASCII mapping is replaced directly when what
      // follows cannot combine with that ASCII character: the end, ASCII,
      // a stable character or another such character (whose mapping starts
      // with ASCII). Exact: the mapped characters are starters that are
      // never the second part of a composition, so the preceding text
      // cannot combine with them either.
      if (const char* mapped = ascii_compat_mapping(c.cp)) {
        bool next_ok = i >= n || base[i] < 0x80;
        if (!next_ok) {
          const Utf8Char d = decode_utf8(base + i, base + n);
          next_ok = is_ok(d) || ascii_compat_mapping(d.cp) != nullptr;
        }
        if (next_ok) {
          if (!changed) {
            out.clear();
            out.reserve(n + n / 8);
            changed = true;
          }
          out.append(text.data() + copied, i - c.len - copied);
          out += mapped;
          copied = i;
          unit_start = i;
          continue;
        }
      }
      while (i < n && base[i] >= 0x80) {
        const Utf8Char d = decode_utf8(base + i, base + n);
        if (is_ok(d)) break;
        i += d.len;
      }
      if (!changed) {
        out.clear();
        out.reserve(n + n / 8);
        changed = true;
      }
      out.append(text.data() + copied, unit_start - copied);
      append_normalized(text.substr(unit_start, i - unit_start), out);
      copied = i;
      unit_start = i;
    }
  }
  if (changed) out.append(text.data() + copied, n - copied);
  return changed;
}

}  // namespace epubtok::tokenizers::tiktoken
