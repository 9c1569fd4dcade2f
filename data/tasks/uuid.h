// Random UUID4 strings from the project's counter-based RNG.
#ifndef PROLONG_DATA_TASKS_UUID_H_
#define PROLONG_DATA_TASKS_UUID_H_

#include <string>

#include "data/rng.h"

namespace prolong::data {

// A random UUID4 string (8-4-4-4-12 lower-case hex).
std::string RandomUuid4(Rng* rng);

}  // namespace prolong::data

#endif  // PROLONG_DATA_TASKS_UUID_H_
