#include "tokenizers/hf/model.h"

#include "tokenizers/hf/json_util.h"

namespace epubtok::tokenizers::hf {

std::unique_ptr<Model> make_model(const boost::json::value& v, const std::string& path, const ModelOptions& options) {
  const boost::json::object& o = need_object(v, path);
  std::string_view type;
  if (o.contains("type")) {
    type = get_type(o, path);
  } else {
    // Old files omit the tag; the reference infers it from the fields.
    if (o.contains("merges")) {
      type = "BPE";
    } else if (o.contains("continuing_subword_prefix") || o.contains("max_input_chars_per_word")) {
      type = "WordPiece";
    } else if (o.contains("vocab") && o.at("vocab").is_array()) {
      type = "Unigram";
    } else {
      type = "WordLevel";
    }
  }
  if (type == "BPE") return make_bpe(o, path, options);
  if (options.tables) throw TablesDoNotFit{};
  if (type == "WordPiece") return make_wordpiece(o, path);
  if (type == "WordLevel") return make_wordlevel(o, path);
  if (type == "Unigram") return make_unigram(o, path);
  fail_unsupported(path + ".type", "model", type);
}

}  // namespace epubtok::tokenizers::hf
