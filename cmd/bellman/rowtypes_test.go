package main

// The rows of train's JSON as the tests decode them (the commands write
// them through rows, column by column).

// controlEpisode is a row of the control commands: an episode as it ended.
type controlEpisode struct {
	Episode int     `json:"episode"`
	Steps   int     `json:"steps"`
	Return  float64 `json:"return"`
	Length  int     `json:"length"`
}

// dqnGridRow is a row of train --world with a DQN agent.
type dqnGridRow struct {
	Steps     int     `json:"steps"`
	Loss      float64 `json:"loss"`
	TDError   float64 `json:"td_error"`
	MeanQ     float64 `json:"mean_q"`
	ValueRMSE float64 `json:"value_rmse"`
	Optimal   float64 `json:"optimal"`
	Gap       float64 `json:"gap"`
	Epsilon   float64 `json:"epsilon"`
}

// vfaRow is a row of train with a linear method on a grid world.
type vfaRow struct {
	Episode int      `json:"episode"`
	Steps   int      `json:"steps"`
	Return  float64  `json:"return"`
	Length  int      `json:"length"`
	RMSE    float64  `json:"rmse"`
	Optimal *float64 `json:"optimal,omitempty"`
	Epsilon float64  `json:"epsilon"`
}
