#include "experiments/report/results_table.h"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "data/io/atomic_file.h"

namespace prolong::report {
namespace {

std::string Cell(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", value);
  return text;
}

const paper::PaperRow* PaperRowFor(const paper::PaperTable& table,
                                   const std::string& variant) {
  for (const auto& row : table.rows()) {
    if (row.variant() == variant) return &row;
  }
  return nullptr;
}

std::string PaperCell(const paper::PaperRow* row, const std::string& key) {
  if (row == nullptr) return " – |";
  const auto found = row->scores().find(key);
  return found == row->scores().end() ? " – |"
                                      : " " + Cell(found->second) + " |";
}

// The paper's whole table, every column it reports, in the paper's order.
std::string PaperTableMarkdown(const paper::PaperTable& table) {
  static const std::vector<std::string> kOrder = {
      "Recall", "RAG", "Re-rank", "ICL", "QA", "Summ", "Avg", "Short"};
  std::vector<std::string> columns;
  for (const auto& key : kOrder) {
    for (const auto& row : table.rows()) {
      if (row.scores().count(key) > 0) {
        columns.push_back(key);
        break;
      }
    }
  }
  std::string out = "Paper, " + table.id() + " (" + table.setting() + "):\n\n";
  out += "| Paper row | Our variant |";
  std::string rule = "|---|---|";
  for (const auto& column : columns) {
    out += " " + column + " |";
    rule += "---:|";
  }
  out += "\n" + rule + "\n";
  for (const auto& row : table.rows()) {
    out += "| " + row.label() + " | " +
           (row.variant().empty() ? "–" : row.variant()) + " |";
    for (const auto& column : columns) out += PaperCell(&row, column);
    out += "\n";
  }
  return out;
}

std::string LatexEscape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '_' || c == '%' || c == '&' || c == '#') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

const VariantRow* ResultsTable::Row(const std::string& variant) const {
  for (const auto& row : rows) {
    if (row.variant == variant) return &row;
  }
  return nullptr;
}

ResultsTable AssembleTable(const std::vector<eval::ResultsSummary>& summaries) {
  ResultsTable table;
  std::set<int> lengths;
  for (const auto& summary : summaries) {
    for (const auto& row : summary.rows) {
      if (std::find(table.categories.begin(), table.categories.end(),
                    row.category) == table.categories.end()) {
        table.categories.push_back(row.category);
      }
      auto& datasets = table.category_datasets[row.category];
      if (datasets.find(row.task) == std::string::npos) {
        datasets += (datasets.empty() ? "" : ", ") + row.task;
      }
      lengths.insert(row.length);
    }
  }
  table.lengths.assign(lengths.begin(), lengths.end());
  for (const auto& summary : summaries) {
    VariantRow row;
    row.variant = summary.variant;
    double category_sum = 0.0;
    for (const auto& category : table.categories) {
      double length_sum = 0.0;
      int length_count = 0;
      for (const int length : table.lengths) {
        double sum = 0.0;
        int count = 0;
        for (const auto& result : summary.rows) {
          if (result.category == category && result.length == length) {
            sum += result.score;
            ++count;
          }
        }
        if (count == 0) continue;
        row.cells[{category, length}] = sum / count;
        length_sum += sum / count;
        ++length_count;
      }
      row.category_means[category] =
          length_count > 0 ? length_sum / length_count : 0.0;
      category_sum += row.category_means[category];
    }
    row.average =
        table.categories.empty() ? 0.0 : category_sum / table.categories.size();
    table.rows.push_back(std::move(row));
  }
  return table;
}

paper::PaperTable ReadPaperTable(const std::string& path) {
  paper::PaperTable table;
  if (!google::protobuf::TextFormat::ParseFromString(io::ReadFile(path),
                                                     &table)) {
    throw std::runtime_error(path + ": not a PaperTable in text format");
  }
  return table;
}

std::string TableMarkdown(const ResultsTable& table, const std::string& title,
                          const paper::PaperTable* paper,
                          const std::string& note) {
  std::string out;
  if (!title.empty()) out += "### " + title + "\n\n";
  std::string header = "| Variant |", rule = "|---|";
  for (const auto& category : table.categories) {
    for (const int length : table.lengths) {
      header += " " + category + " @" + std::to_string(length) + " |";
      rule += "---:|";
    }
  }
  header += " Avg |";
  rule += "---:|";
  if (paper != nullptr) {
    for (const auto& category : table.categories) {
      header += " Paper " + category + " |";
      rule += "---:|";
    }
    header += " Paper Avg |";
    rule += "---:|";
  }
  out += header + "\n" + rule + "\n";
  for (const auto& row : table.rows) {
    std::string line = "| " + row.variant + " |";
    for (const auto& category : table.categories) {
      for (const int length : table.lengths) {
        const auto cell = row.cells.find({category, length});
        line +=
            cell == row.cells.end() ? " – |" : " " + Cell(cell->second) + " |";
      }
    }
    line += " " + Cell(row.average) + " |";
    if (paper != nullptr) {
      const paper::PaperRow* paper_row = PaperRowFor(*paper, row.variant);
      for (const auto& category : table.categories) {
        line += PaperCell(paper_row, category);
      }
      line += PaperCell(paper_row, "Avg");
    }
    out += line + "\n";
  }
  out += "\nDatasets: ";
  for (size_t i = 0; i < table.categories.size(); ++i) {
    out += (i > 0 ? "; " : "") + table.categories[i] + " = " +
           table.category_datasets.at(table.categories[i]);
  }
  out += ". Scores ×100, from the results files.\n";
  if (paper != nullptr) {
    out += "\nColumns \"Paper ...\" are the paper's numbers (" + paper->id() +
           "), not ours; \"Paper Avg\" averages all six of the paper's "
           "categories.\n\n" +
           PaperTableMarkdown(*paper);
  }
  if (!note.empty()) out += "\n" + note + "\n";
  return out;
}

std::string TableCsv(const ResultsTable& table, const std::string& name) {
  std::string out;
  for (const auto& row : table.rows) {
    for (const auto& [key, score] : row.cells) {
      out += name + "," + row.variant + "," + key.first + "," +
             std::to_string(key.second) + "," + Cell(score) + "\n";
    }
    for (const auto& [category, score] : row.category_means) {
      out += name + "," + row.variant + "," + category + ",all," + Cell(score) +
             "\n";
    }
    out += name + "," + row.variant + ",Avg,all," + Cell(row.average) + "\n";
  }
  return out;
}

std::string TableLatex(const ResultsTable& table, const std::string& title) {
  std::string out = "\\begin{table}[t]\n\\centering\n\\begin{tabular}{l";
  for (size_t i = 0; i < table.categories.size(); ++i) out += "r";
  out += "r}\n\\toprule\nVariant";
  for (const auto& category : table.categories) out += " & " + category;
  out += " & Avg \\\\\n\\midrule\n";
  for (const auto& row : table.rows) {
    out += LatexEscape(row.variant);
    for (const auto& category : table.categories) {
      out += " & " + Cell(row.category_means.at(category));
    }
    out += " & " + Cell(row.average) + " \\\\\n";
  }
  out += "\\bottomrule\n\\end{tabular}\n\\caption{" + LatexEscape(title) +
         " (ours; means over evaluation lengths)}\n\\end{table}\n";
  return out;
}

}  // namespace prolong::report
