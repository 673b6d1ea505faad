// Private to audit/: how probabilities read in the report ("99.97%", "12.3%", "3e-05").
#pragma once

#include <string>

namespace culprit::audit {

/// A percentage with one decimal (two near certainty); below 0.1% a plain probability in
/// scientific notation, so a one-in-a-million doubt does not read as "0.0%".
std::string Percent(double x);

}  // namespace culprit::audit
