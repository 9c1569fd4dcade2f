// A Linux man page as the man_pages corpus reader writes it (see
// data/corpus/man_pages_reader.h), split into the parts the evaluation
// tasks build questions and passages from:
//
//   kill(2)                               <- title line
//
//   NAME
//   kill - send signal to a process       <- names, " - ", summary
//
//   SYNOPSIS ... DESCRIPTION ...          <- sections: an upper-case
//   SEE ALSO                                 heading line, then its text
//   kill(1), signal(2), ...               <- references "name(section)"
#ifndef PROLONG_DATA_TASKS_MAN_PAGE_H_
#define PROLONG_DATA_TASKS_MAN_PAGE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prolong::data {

struct ManPage {
  std::string title;               // "kill(2)"
  std::string section;             // "2"
  std::vector<std::string> names;  // "kill"; several for grouped functions
  std::string summary;             // "send signal to a process"
  std::string name_line;           // "kill - send signal to a process"
  std::string description;         // the DESCRIPTION section's text
  // SEE ALSO references as written, e.g. "signal(7)".
  std::vector<std::string> see_also;
  // The page after its NAME section (SYNOPSIS onwards), as written.
  std::string body;
};

// nullopt when the text has no title line or no "names - summary" NAME
// section. A heading is a line of upper-case letters and spaces only.
std::optional<ManPage> ParseManPage(std::string_view text);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_MAN_PAGE_H_
