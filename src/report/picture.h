// The picture of a bisection on the HTML page: an inline SVG drawn from the result alone.
#pragma once

#include <ostream>

#include "report/bisection_result.h"

namespace culprit::report {

/// Writes an <svg> element: the searched range as a compressed axis (tested commits and
/// candidates in range order, the commits between them folded into gaps), each tested commit
/// a mark with its runs (crashed / OK / untestable) and verdict, the posterior over the
/// candidates as bars, the culprit and its parent ringed. Every mark is a <g class="mark ...">
/// with data-commit and, for tested commits, data-verdict and the run counts.
void WritePicture(const BisectionResult& result, std::ostream& out);

}  // namespace culprit::report
