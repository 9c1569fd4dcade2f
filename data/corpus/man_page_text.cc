#include "data/corpus/man_page_text.h"

#include <map>
#include <sstream>
#include <vector>

namespace prolong::data {
namespace {

// Special characters \(xx and \[name] that carry text.
std::string SpecialCharacter(std::string_view name) {
  static const auto* const kSpecial =
      new std::map<std::string_view, const char*>{
          {"em", "\u2014"}, {"en", "\u2013"}, {"hy", "-"},
          {"mi", "-"},      {"aq", "'"},      {"dq", "\""},
          {"lq", "\u201C"}, {"rq", "\u201D"}, {"oq", "\u2018"},
          {"cq", "\u2019"}, {"bu", "\u2022"}, {"co", "\u00A9"},
          {"rg", "\u00AE"}, {"tm", "\u2122"}, {"ga", "`"},
          {"ti", "~"},      {"ha", "^"},      {"rs", "\\"},
          {"sl", "/"},      {"ba", "|"},      {"<=", "\u2264"},
          {">=", "\u2265"}, {"!=", "\u2260"}, {"->", "\u2192"},
          {"<-", "\u2190"}, {"mu", "\u00D7"}, {"de", "\u00B0"},
          {"+-", "\u00B1"}};
  const auto found = kSpecial->find(name);
  return found == kSpecial->end() ? "" : found->second;
}

// Splits a request's arguments: words, or "double-quoted strings".
std::vector<std::string> Arguments(std::string_view rest) {
  std::vector<std::string> arguments;
  size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
    if (i >= rest.size()) break;
    std::string argument;
    if (rest[i] == '"') {
      for (++i; i < rest.size(); ++i) {
        if (rest[i] == '"') {
          if (i + 1 < rest.size() && rest[i + 1] == '"') {
            argument += '"';
            ++i;
            continue;
          }
          ++i;
          break;
        }
        argument += rest[i];
      }
    } else {
      while (i < rest.size() && rest[i] != ' ' && rest[i] != '\t') {
        argument += rest[i++];
      }
    }
    arguments.push_back(DecodeGroffEscapes(argument));
  }
  return arguments;
}

class PageBuilder {
 public:
  void Text(const std::string& line, bool fill) {
    if (line.empty()) {
      Paragraph();
      return;
    }
    if (fill) {
      if (!out_.empty() && out_.back() != '\n') out_ += ' ';
      out_ += line;
    } else {
      out_ += line + "\n";
    }
  }
  void Paragraph() {
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
    if (out_.empty()) return;
    if (out_.back() != '\n') out_ += '\n';
    if (out_.size() < 2 || out_[out_.size() - 2] != '\n') out_ += '\n';
  }
  void LineBreak() {
    if (!out_.empty() && out_.back() != '\n') out_ += '\n';
  }
  std::string Finish() {
    const size_t end = out_.find_last_not_of(" \n");
    return end == std::string::npos ? "" : out_.substr(0, end + 1) + "\n";
  }

 private:
  std::string out_;
};

}  // namespace

std::string DecodeGroffEscapes(std::string_view line) {
  std::string out;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] != '\\' || i + 1 >= line.size()) {
      out += line[i];
      continue;
    }
    const char c = line[++i];
    switch (c) {
      case 'e':
      case '\\':
        out += '\\';
        break;
      case '-':
        out += '-';
        break;
      case ' ':
      case '~':
      case '0':
        out += ' ';
        break;
      case '(':  // \(xx
        out += SpecialCharacter(line.substr(i + 1, 2));
        i += 2;
        break;
      case '[': {  // \[name]
        const size_t close = line.find(']', i);
        const size_t end =
            close == std::string_view::npos ? line.size() : close;
        out += SpecialCharacter(line.substr(i + 1, end - i - 1));
        i = end;
        break;
      }
      case 'f':  // font: \fB, \f(XX, \f[XX]
      case '*':  // string: \*x, \*(xx, \*[name]
      case 'n':  // number register, same forms
      case 's':  // size: \s0, \s+1, \s-1 (one digit after the sign)
        if (i + 1 < line.size()) {
          const char form = line[i + 1];
          if (form == '(') {
            i += 3;
          } else if (form == '[') {
            const size_t close = line.find(']', i);
            i = close == std::string_view::npos ? line.size() : close;
          } else if (c == 's' && (form == '+' || form == '-')) {
            i += 2;
          } else {
            i += 1;
          }
        }
        break;
      default:  // \&, \|, \^, \c, \" (comment) and the rest carry no text
        if (c == '"') return out;
        break;
    }
  }
  return out;
}

std::string ManPageToText(std::string_view groff) {
  PageBuilder page;
  bool fill = true;
  std::istringstream lines{std::string(groff)};
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (line[0] != '.' && line[0] != '\'')) {
      page.Text(DecodeGroffEscapes(line), fill);
      continue;
    }
    size_t name_end = 1;
    while (name_end < line.size() && line[name_end] == ' ') ++name_end;
    const size_t name_start = name_end;
    while (name_end < line.size() && line[name_end] != ' ' &&
           line[name_end] != '\t') {
      ++name_end;
    }
    const std::string name = line.substr(name_start, name_end - name_start);
    const auto arguments = Arguments(std::string_view(line).substr(name_end));
    const auto joined = [&](const char* separator) {
      std::string text;
      for (size_t k = 0; k < arguments.size(); ++k) {
        text += (k > 0 ? separator : "") + arguments[k];
      }
      return text;
    };
    if (name == "TH") {
      if (!arguments.empty()) {
        page.Text(arguments[0] +
                      (arguments.size() > 1 ? "(" + arguments[1] + ")" : ""),
                  false);
        page.Paragraph();
      }
    } else if (name == "SH" || name == "SS") {
      page.Paragraph();
      page.Text(joined(" "), false);
    } else if (name == "PP" || name == "LP" || name == "P" || name == "sp" ||
               name == "TP") {
      page.Paragraph();
    } else if (name == "IP") {
      page.Paragraph();
      if (!arguments.empty()) page.Text(arguments[0], fill);
    } else if (name == "br") {
      page.LineBreak();
    } else if (name == "nf" || name == "EX") {
      page.LineBreak();
      fill = false;
    } else if (name == "fi" || name == "EE") {
      fill = true;
    } else if (name == "B" || name == "I" || name == "SM" || name == "SB") {
      page.Text(joined(" "), fill);
    } else if (name == "BR" || name == "RB" || name == "BI" || name == "IB" ||
               name == "IR" || name == "RI") {
      page.Text(joined(""), fill);
    }
    // Every other request (comments, layout, ".so" pointers to another page,
    // tables' .TS/.TE, links' .UR/.UE, macro definitions ...) carries no
    // text.
  }
  return page.Finish();
}

}  // namespace prolong::data
