// The on-screen guide for a first-time user (drconsole demo): one line saying what to press next,
// from what the screen shows. Pure: the view in, a sentence out.
#pragma once

#include <string>

#include "tui/view.h"

namespace drconsole::tui {

std::string guide_for(const View& v);

}  // namespace drconsole::tui
