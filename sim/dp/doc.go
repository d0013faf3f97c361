// Package dp plans on an exact model: iterative policy evaluation, value
// iteration, policy iteration and truncated policy iteration (Zhao, chapters
// 2–4). Every method advances one sweep at a time, so a page can show each
// sweep, or runs until max |Δv| is below a tolerance. The closed-form
// evaluation is in the subpackage exact.
//
// Sweeps are synchronous, as in the book: v_{k+1} is computed from v_k alone.
package dp
