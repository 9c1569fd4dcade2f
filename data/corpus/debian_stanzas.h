// Debian control-file stanzas, as apt's Packages indices (and `apt-cache
// dumpavail`) write them: stanzas separated by blank lines; a stanza is
// "Field: value" lines, a line starting with a space or tab continuing the
// field before it.
#ifndef PROLONG_DATA_CORPUS_DEBIAN_STANZAS_H_
#define PROLONG_DATA_CORPUS_DEBIAN_STANZAS_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace prolong::data {

// Field name -> its lines: the value on the field's own line (trimmed),
// then its continuation lines as written (leading whitespace kept, trailing
// whitespace dropped).
using Stanza = std::map<std::string, std::vector<std::string>>;

// Nothing for a malformed stanza: a line that is neither a field nor a
// continuation, a continuation first, or a field given twice.
std::optional<Stanza> ParseStanza(const std::vector<std::string>& lines);

// The value on the field's own line; empty when the field is absent.
std::string StanzaValue(const Stanza& stanza, const std::string& field);

// Calls `visit` with the lines of each stanza of `text`, in order (a
// trailing "\r" dropped from every line).
void ForEachStanza(
    const std::string& text,
    const std::function<void(const std::vector<std::string>&)>& visit);

}  // namespace prolong::data

#endif  // PROLONG_DATA_CORPUS_DEBIAN_STANZAS_H_
