// ambit studio: cases page (list, edit, validate case files; run QCA). Filled in once the
// cases and QCA libraries are on main.
"use strict";
