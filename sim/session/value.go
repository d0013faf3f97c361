package session

// Value returns the current value of a parameter (0 for an unknown key),
// without copying the values as Values does.
func (l *Learn) Value(key string) float64 { return l.vals[key] }

// Value returns the current value of a parameter (0 for an unknown key),
// without copying the values as Values does.
func (c *Control) Value(key string) float64 { return c.vals[key] }
