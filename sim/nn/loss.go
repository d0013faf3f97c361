package nn

// Losses with PyTorch's definitions and mean reduction over all n elements.
// Each returns the loss and, when dst is not nil, writes the gradient of the
// loss with respect to pred into dst (which may then be passed to Backward).
// They panic if the lengths differ.

// MSE returns the mean squared error Σ(pred−target)²/n; the gradient is
// 2(pred−target)/n.
func MSE(dst, pred, target []float64) float64 {
	checkLoss(dst, pred, target)
	n := float64(len(pred))
	target = target[:len(pred)]
	s := 0.0
	for i, p := range pred {
		d := p - target[i]
		s += d * d
		if dst != nil {
			dst[i] = 2 * d / n
		}
	}
	return s / n
}

// Huber returns the Huber loss (torch.nn.HuberLoss) with threshold delta:
// the mean of d²/2 where |d| < delta and delta·(|d| − delta/2) elsewhere,
// d = pred−target. The gradient is d/n, clipped to ±delta/n. It panics
// unless delta > 0.
func Huber(dst, pred, target []float64, delta float64) float64 {
	checkLoss(dst, pred, target)
	if !(delta > 0) {
		panic("nn: Huber delta must be positive")
	}
	n := float64(len(pred))
	target = target[:len(pred)]
	s := 0.0
	for i, p := range pred {
		d := p - target[i]
		a, g := d, d
		if a < 0 {
			a = -a
		}
		if a < delta {
			s += 0.5 * d * d
		} else {
			s += delta * (a - 0.5*delta)
			if d > 0 {
				g = delta
			} else {
				g = -delta
			}
		}
		if dst != nil {
			dst[i] = g / n
		}
	}
	return s / n
}

func checkLoss(dst, pred, target []float64) {
	if len(pred) == 0 || len(target) != len(pred) || (dst != nil && len(dst) != len(pred)) {
		panic("nn: loss: length mismatch")
	}
}
