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
      "NIAH", "Recall",    "RAG",  "Re-rank", "ICL",        "QA",    "Summ",
      "Avg",  "HellaSwag", "MMLU", "ARC-c",   "WinoGrande", "GSM8K", "Short"};
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

bool InAverage(const std::string& category) {
  static const std::set<std::string> kHelmetCategories = {
      "Recall", "RAG", "Re-rank", "ICL", "QA", "Summ"};
  return kHelmetCategories.count(category) > 0;
}

bool HigherIsBetter(const std::string& category) {
  return !eval::IsPerplexityCategory(category);
}

double VariantRow::Column(const std::string& column) const {
  if (column == "Avg") return average;
  const auto found = category_means.find(column);
  if (found == category_means.end()) {
    throw std::runtime_error("variant " + variant + " has no column \"" +
                             column + "\"");
  }
  return found->second;
}

const VariantRow* ResultsTable::Row(const std::string& variant) const {
  for (const auto& row : rows) {
    if (row.variant == variant) return &row;
  }
  return nullptr;
}

ResultsTable AssembleTable(const std::vector<eval::ResultsSummary>& summaries) {
  ResultsTable table;
  std::set<int> lengths;
  // Rows of every summary of a variant, variants in first-seen order.
  std::vector<eval::ResultsSummary> variants;
  for (const auto& summary : summaries) {
    auto merged = std::find_if(variants.begin(), variants.end(),
                               [&](const eval::ResultsSummary& v) {
                                 return v.variant == summary.variant;
                               });
    if (merged == variants.end()) {
      variants.push_back(summary);
    } else {
      merged->rows.insert(merged->rows.end(), summary.rows.begin(),
                          summary.rows.end());
    }
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
      auto& category_lengths = table.category_lengths[row.category];
      if (std::find(category_lengths.begin(), category_lengths.end(),
                    row.length) == category_lengths.end()) {
        category_lengths.push_back(row.length);
        std::sort(category_lengths.begin(), category_lengths.end());
      }
    }
  }
  // Averaged categories first, the others after them.
  std::stable_partition(table.categories.begin(), table.categories.end(),
                        InAverage);
  table.lengths.assign(lengths.begin(), lengths.end());
  for (const auto& summary : variants) {
    VariantRow row;
    row.variant = summary.variant;
    double category_sum = 0.0;
    int averaged = 0;
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
      if (length_count == 0) continue;
      row.category_means[category] = length_sum / length_count;
      if (InAverage(category)) {
        category_sum += row.category_means[category];
        ++averaged;
      }
    }
    row.average = averaged == 0 ? 0.0 : category_sum / averaged;
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
  const bool has_average =
      std::any_of(table.categories.begin(), table.categories.end(), InAverage);
  // Our columns: the averaged categories per length, Avg, the others.
  std::vector<std::string> before_avg, after_avg;
  for (const auto& category : table.categories) {
    (InAverage(category) ? before_avg : after_avg).push_back(category);
  }
  std::string out;
  if (!title.empty()) out += "### " + title + "\n\n";
  std::string header = "| Variant |", rule = "|---|";
  const auto add_category_headers = [&](const std::vector<std::string>& cs) {
    for (const auto& category : cs) {
      for (const int length : table.category_lengths.at(category)) {
        header += " " + category + " @" + std::to_string(length) + " |";
        rule += "---:|";
      }
    }
  };
  add_category_headers(before_avg);
  if (has_average) {
    header += " Avg |";
    rule += "---:|";
  }
  add_category_headers(after_avg);
  // The paper's columns: those of our categories its table reports.
  std::vector<std::string> paper_categories;
  if (paper != nullptr) {
    for (const auto& category : table.categories) {
      for (const auto& row : paper->rows()) {
        if (row.scores().count(category) > 0) {
          paper_categories.push_back(category);
          break;
        }
      }
    }
    for (const auto& category : paper_categories) {
      header += " Paper " + category + " |";
      rule += "---:|";
    }
    if (has_average) {
      header += " Paper Avg |";
      rule += "---:|";
    }
  }
  out += header + "\n" + rule + "\n";
  for (const auto& row : table.rows) {
    std::string line = "| " + row.variant + " |";
    const auto add_cells = [&](const std::vector<std::string>& cs) {
      for (const auto& category : cs) {
        for (const int length : table.category_lengths.at(category)) {
          const auto cell = row.cells.find({category, length});
          line += cell == row.cells.end() ? " – |"
                                          : " " + Cell(cell->second) + " |";
        }
      }
    };
    add_cells(before_avg);
    if (has_average) line += " " + Cell(row.average) + " |";
    add_cells(after_avg);
    if (paper != nullptr) {
      const paper::PaperRow* paper_row = PaperRowFor(*paper, row.variant);
      for (const auto& category : paper_categories) {
        line += PaperCell(paper_row, category);
      }
      if (has_average) line += PaperCell(paper_row, "Avg");
    }
    out += line + "\n";
  }
  out += "\nDatasets: ";
  for (size_t i = 0; i < table.categories.size(); ++i) {
    out += (i > 0 ? "; " : "") + table.categories[i] + " = " +
           table.category_datasets.at(table.categories[i]);
  }
  out +=
      ". Scores ×100 (Perplexity: perplexity, lower is better), from the "
      "results files.";
  if (has_average) {
    out += " Avg = mean of the long-context categories (" + [&] {
      std::string joined;
      for (const auto& c : before_avg)
        joined += (joined.empty() ? "" : ", ") + c;
      return joined;
    }() + ").";
  }
  out += "\n";
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
  const bool has_average =
      std::any_of(table.categories.begin(), table.categories.end(), InAverage);
  std::string out = "\\begin{table}[t]\n\\centering\n\\begin{tabular}{l";
  for (size_t i = 0; i < table.categories.size(); ++i) out += "r";
  if (has_average) out += "r";
  out += "}\n\\toprule\nVariant";
  for (const auto& category : table.categories) out += " & " + category;
  if (has_average) out += " & Avg";
  out += " \\\\\n\\midrule\n";
  for (const auto& row : table.rows) {
    out += LatexEscape(row.variant);
    for (const auto& category : table.categories) {
      const auto mean = row.category_means.find(category);
      out += " & " + (mean == row.category_means.end() ? std::string("--")
                                                       : Cell(mean->second));
    }
    if (has_average) out += " & " + Cell(row.average);
    out += " \\\\\n";
  }
  out += "\\bottomrule\n\\end{tabular}\n\\caption{" + LatexEscape(title) +
         " (ours; means over evaluation lengths; Avg over the long-context "
         "categories)}\n\\end{table}\n";
  return out;
}

}  // namespace prolong::report
