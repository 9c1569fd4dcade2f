// The corpora evaluation tasks draw their text from (TaskConfig.material),
// by name, as given on a command line: "name=corpus.h5" entries.
#ifndef PROLONG_EXPERIMENTS_EVAL_MATERIALS_H_
#define PROLONG_EXPERIMENTS_EVAL_MATERIALS_H_

#include <map>
#include <string>
#include <vector>

#include "data/corpus/document.h"

namespace prolong::eval {

using Materials = std::map<std::string, data::Corpus>;

// Reads each "name=corpus.h5" entry's corpus (data/corpus/document.h).
// Throws std::invalid_argument for an entry without '=' or a repeated name.
Materials ReadMaterials(const std::vector<std::string>& entries);

}  // namespace prolong::eval

#endif  // PROLONG_EXPERIMENTS_EVAL_MATERIALS_H_
