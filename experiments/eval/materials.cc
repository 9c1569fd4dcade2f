#include "experiments/eval/materials.h"

#include <stdexcept>

namespace prolong::eval {

Materials ReadMaterials(const std::vector<std::string>& entries) {
  Materials materials;
  for (const std::string& entry : entries) {
    const size_t equals = entry.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw std::invalid_argument("material \"" + entry +
                                  "\" is not name=corpus.h5");
    }
    const std::string name = entry.substr(0, equals);
    if (materials.count(name) > 0) {
      throw std::invalid_argument("material \"" + name + "\" given twice");
    }
    materials[name] = data::ReadCorpus(entry.substr(equals + 1));
  }
  return materials;
}

}  // namespace prolong::eval
