//! Reports and maps: SVG choropleths, HTML and Markdown scenario reports.
