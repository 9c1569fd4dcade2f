// Labelled data sets for many-shot in-context classification (icl.h), cut
// from our real corpora: stand-ins for HELMET's TREC / Banking77 / Clinc150
// / NLU, whose texts are short questions or requests with a topic label.
//
// FOLDOC categories (corpus //data/sources:foldoc, reader "dictd"): an
// entry's definition starts with its category marker, e.g.
//   "51forth\n\n   <language> A subroutine-{threaded} {Forth} for ..."
// Entries whose first definition paragraph starts with exactly one marker
// naming one category are kept; label = that category; text = "{headword}:
// {first sentence of the definition}" with every category marker removed
// (so the label cannot leak), FOLDOC's {cross-reference} braces dropped,
// whitespace collapsed and at most kIclTextWords words. Only the
// kFoldocCategories most frequent categories are kept (TREC-coarse has 6
// labels); ties by name.
//
// Perl FAQ sections (corpus //data/sources:perl_faq, reader "pod_faq"):
// documents are named "perlfaqN.pod#k" and start with their question line;
// label = "perlfaqN" (9 sections: general, obtaining, tools, data, files,
// regexes, language, system, web); text = the question with its POD
// formatting codes resolved (pod_text.h), at most kIclTextWords words.
//
// Debian package sections (corpus //data/sources:package_descriptions,
// reader "debian_packages"): documents read "Section: S\nSYNOPSIS" and the
// long description's lines after it; label = S without its archive
// component (everything up to the last '/': "contrib/", "non-free/",
// "non-free-firmware/"); text = the synopsis and long description, the
// Section line left out (so the label cannot leak), whitespace collapsed,
// at most kIclTextWords words. Texts that several packages share (a
// compiler built for every target, "transitional dummy package") are left out:
// their label would be ambiguous. Only the kPackageSections most frequent
// sections are kept (ties by name), and every kept section keeps the same
// number of texts, min(kPackageSectionTexts, the smallest kept section's
// count): those whose package names hash lowest (FNV-1a), a deterministic
// subset spread over the alphabet.
#ifndef PROLONG_DATA_TASKS_ICL_DATASETS_H_
#define PROLONG_DATA_TASKS_ICL_DATASETS_H_

#include <vector>

#include "data/corpus/document.h"
#include "data/tasks/icl.h"

namespace prolong::data {

constexpr int kFoldocCategories = 6;
constexpr int kPackageSections = 10;
// Enough for a 128K-token prompt of distinct demonstrations (15 to 35
// tokens each, depending on the vocabulary).
constexpr int kPackageSectionTexts = 1000;
constexpr int kIclTextWords = 25;

// In corpus order. Throws std::invalid_argument when fewer than 2
// categories are found (not a FOLDOC corpus).
std::vector<LabelledText> FoldocCategoryTexts(
    const std::vector<Document>& foldoc);

// In corpus order. Throws std::invalid_argument when fewer than 2
// sections are found (not a Perl FAQ corpus).
std::vector<LabelledText> PerlFaqSectionTexts(
    const std::vector<Document>& perl_faq);

// In corpus order. Throws std::invalid_argument when fewer than 2
// sections are found (not a package description corpus).
std::vector<LabelledText> PackageSectionTexts(
    const std::vector<Document>& packages);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_ICL_DATASETS_H_
