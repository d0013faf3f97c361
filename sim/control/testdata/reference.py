"""Reference trajectories for the control package's tests.

Writes reference.json: fixed start states and action sequences stepped by a
transcription of the step functions of Gymnasium 1.x (Pendulum-v1,
MountainCarContinuous-v0, CartPole-v1, MountainCar-v0, Acrobot-v1), with the
same NumPy scalar types as Gymnasium, so that NumPy's float32 arithmetic and
rounding happen where they happen there. It needs only NumPy: run it with NumPy 2, or with NumPy 1.24+,
where NumPy 2's promotion rules (NEP 50) are switched on below.

    python3 reference.py > reference.json

Actions are float64 arrays. The continuous cart-pole (force = clip(a)·10 N)
is Bellman's variant, not a Gymnasium environment.
"""

import json
import math

import numpy as np

if int(np.__version__.split(".")[0]) < 2:
    np._set_promotion_state("weak")  # NumPy 2's rules (NEP 50)


def norm_angle(x):
    return ((x + np.pi) % (2 * np.pi)) - np.pi


def pendulum(state, actions):
    th, thdot = np.array(state, dtype=np.float64)
    out = []
    for a in actions:
        u = np.clip(np.array([a], dtype=np.float64), -2.0, 2.0)[0]
        cost = norm_angle(th) ** 2 + 0.1 * thdot**2 + 0.001 * (u**2)
        thdot2 = thdot + (3 * 10.0 / (2 * 1.0) * np.sin(th) + 3.0 / (1.0 * 1.0**2) * u) * 0.05
        thdot2 = np.clip(thdot2, -8, 8)
        th2 = th + thdot2 * 0.05
        th, thdot = np.array([th2, thdot2])
        obs = np.array([np.cos(th), np.sin(th), thdot], dtype=np.float32)
        out.append(dict(state=[float(th), float(thdot)], obs=[float(o) for o in obs],
                        reward=float(-cost), terminated=False))
    return out


def mountaincar(state, actions):
    s = np.array(state, dtype=np.float64)  # as reset leaves it
    out = []
    for a in actions:
        act = np.array([a], dtype=np.float64)
        pos, vel = s[0], s[1]
        force = min(max(act[0], -1.0), 1.0)
        vel += force * 0.0015 - 0.0025 * math.cos(3 * pos)
        if vel > 0.07:
            vel = 0.07
        if vel < -0.07:
            vel = -0.07
        pos += vel
        if pos > 0.6:
            pos = 0.6
        if pos < -1.2:
            pos = -1.2
        if pos == -1.2 and vel < 0:
            vel = 0
        done = bool(pos >= 0.45 and vel >= 0)
        r = 0
        if done:
            r = 100.0
        r -= math.pow(act[0], 2) * 0.1
        s = np.array([pos, vel], dtype=np.float32)
        out.append(dict(state=[float(x) for x in s], obs=[float(x) for x in s],
                        reward=float(r), terminated=done))
    return out


def cartpole(state, actions, discrete):
    x, xd, th, thd = np.array(state, dtype=np.float64)
    gravity, mc, mp = 9.8, 1.0, 0.1
    total = mp + mc
    half = 0.5
    pml = mp * half
    limit = 12 * 2 * math.pi / 360
    beyond = None
    out = []
    for a in actions:
        if discrete:
            force = 10.0 if a == 1 else -10.0
        else:
            force = float(np.clip(a, -1.0, 1.0)) * 10.0
        c, s = np.cos(th), np.sin(th)
        temp = (force + pml * np.square(thd) * s) / total
        thacc = (gravity * s - c * temp) / (half * (4.0 / 3.0 - mp * np.square(c) / total))
        xacc = temp - pml * thacc * c / total
        x = x + 0.02 * xd
        xd = xd + 0.02 * xacc
        th = th + 0.02 * thd
        thd = thd + 0.02 * thacc
        st = np.array((x, xd, th, thd), dtype=np.float64)
        x, xd, th, thd = st
        done = bool(x < -2.4 or x > 2.4 or th < -limit or th > limit)
        if not done:
            r = 1.0
        elif beyond is None:
            beyond, r = 0, 1.0
        else:
            beyond, r = beyond + 1, 0.0
        obs = np.array(st, dtype=np.float32)
        out.append(dict(state=[float(v) for v in st], obs=[float(v) for v in obs],
                        reward=r, terminated=done))
    return out


def mountaincar_discrete(state, actions):
    """MountainCar-v0: the state is a tuple of float64 scalars."""
    s = np.array(state, dtype=np.float64)
    position, velocity = s[0], s[1]
    out = []
    for a in actions:
        a = np.int64(a)  # as Discrete(3).sample() gives
        velocity += (a - 1) * 0.001 + math.cos(3 * position) * (-0.0025)
        velocity = np.clip(velocity, -0.07, 0.07)
        position += velocity
        position = np.clip(position, -1.2, 0.6)
        if position == -1.2 and velocity < 0:
            velocity = 0
        done = bool(position >= 0.5 and velocity >= 0)
        obs = np.array((position, velocity), dtype=np.float32)
        out.append(dict(state=[float(position), float(velocity)], obs=[float(x) for x in obs],
                        reward=-1.0, terminated=done))
    return out


AC_MAX_VEL_1 = 4 * np.pi
AC_MAX_VEL_2 = 9 * np.pi
AC_TORQUES = [-1.0, 0.0, +1]


def acrobot_dsdt(s_augmented):
    m1, m2, l1, lc1, lc2, I1, I2, g = 1.0, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0, 9.8
    a = s_augmented[-1]
    s = s_augmented[:-1]
    theta1, theta2, dtheta1, dtheta2 = s[0], s[1], s[2], s[3]
    d1 = m1 * lc1**2 + m2 * (l1**2 + lc2**2 + 2 * l1 * lc2 * np.cos(theta2)) + I1 + I2
    d2 = m2 * (lc2**2 + l1 * lc2 * np.cos(theta2)) + I2
    phi2 = m2 * lc2 * g * np.cos(theta1 + theta2 - np.pi / 2.0)
    phi1 = (-m2 * l1 * lc2 * dtheta2**2 * np.sin(theta2)
            - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * np.sin(theta2)
            + (m1 * lc1 + m2 * l1) * g * np.cos(theta1 - np.pi / 2)
            + phi2)
    # the book's dynamics (book_or_nips = "book")
    ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1**2 * np.sin(theta2) - phi2) / (
        m2 * lc2**2 + I2 - d2**2 / d1)
    ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
    return dtheta1, dtheta2, ddtheta1, ddtheta2, 0.0


def acrobot_rk4(y0, t):
    yout = np.zeros((len(t), len(y0)), np.float64)
    yout[0] = y0
    for i in np.arange(len(t) - 1):
        this = t[i]
        dt = t[i + 1] - this
        dt2 = dt / 2.0
        y0 = yout[i]
        k1 = np.asarray(acrobot_dsdt(y0))
        k2 = np.asarray(acrobot_dsdt(y0 + dt2 * k1))
        k3 = np.asarray(acrobot_dsdt(y0 + dt2 * k2))
        k4 = np.asarray(acrobot_dsdt(y0 + dt * k3))
        yout[i + 1] = y0 + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return yout[-1][:4]


def wrap(x, m, M):
    diff = M - m
    while x > M:
        x = x - diff
    while x < m:
        x = x + diff
    return x


def bound(x, m, M):
    return min(max(x, m), M)


def acrobot(state, actions):
    s = np.array(state, dtype=np.float64)
    out = []
    for a in actions:
        torque = AC_TORQUES[a]
        ns = acrobot_rk4(np.append(s, torque), [0, 0.2])
        ns[0] = wrap(ns[0], -np.pi, np.pi)
        ns[1] = wrap(ns[1], -np.pi, np.pi)
        ns[2] = bound(ns[2], -AC_MAX_VEL_1, AC_MAX_VEL_1)
        ns[3] = bound(ns[3], -AC_MAX_VEL_2, AC_MAX_VEL_2)
        s = ns
        done = bool(-np.cos(s[0]) - np.cos(s[1] + s[0]) > 1.0)
        obs = np.array([np.cos(s[0]), np.sin(s[0]), np.cos(s[1]), np.sin(s[1]), s[2], s[3]], dtype=np.float32)
        out.append(dict(state=[float(v) for v in s], obs=[float(v) for v in obs],
                        reward=0.0 if done else -1.0, terminated=done))
    return out


def case(name, env, state, actions, steps):
    return dict(name=name, env=env, state=state, actions=actions, steps=steps)


def mc_policy(start, n, gain):
    """MountainCar actions ±gain by the sign of the velocity, up to the goal."""
    acts, states = [], [list(start)]
    for _ in range(n):
        a = gain if states[-1][1] >= 0 else -gain
        acts.append(a)
        res = mountaincar(states[0], acts)
        states.append(res[-1]["state"])
        if res[-1]["terminated"]:
            break
    return acts


cases = []
pa = [0.5, -1.5, 3.0, -2.5, 0.0, 1.0, 2.0, -2.0, 0.25, -0.75, 1.9, -0.1]
cases.append(case("pendulum/mixed", "pendulum", [1.0, -0.5], pa, pendulum([1.0, -0.5], pa)))
cases.append(case("pendulum/speed-clip", "pendulum", [2.0, 7.9], [2.0] * 6, pendulum([2.0, 7.9], [2.0] * 6)))
cases.append(case("pendulum/neg-speed-clip", "pendulum", [-2.0, -7.95], [-5.0] * 4, pendulum([-2.0, -7.95], [-5.0] * 4)))
for th in [7.0, -4.0, math.pi, -math.pi, 3 * math.pi, 100.0, -100.0]:
    cases.append(case("pendulum/angle %r" % th, "pendulum", [th, 0.3], [0.7], pendulum([th, 0.3], [0.7])))
rng = np.random.default_rng(7)
lp = [float(v) for v in rng.uniform(-2.5, 2.5, 200)]
cases.append(case("pendulum/200 random", "pendulum", [-2.5, 0.8], lp, pendulum([-2.5, 0.8], lp)))

ma = [1.0, 0.3, -0.7, 1.5, -2.0, 0.9, -1.0, 0.0, 1.2, -0.4]
cases.append(case("mountaincar/mixed", "mountaincar", [-0.5, 0.0], ma, mountaincar([-0.5, 0.0], ma)))
cases.append(case("mountaincar/left-wall", "mountaincar", [-1.19, -0.05], [-1.0, -0.5, 0.5],
                  mountaincar([-1.19, -0.05], [-1.0, -0.5, 0.5])))
cases.append(case("mountaincar/goal", "mountaincar", [0.44, 0.06], [0.5], mountaincar([0.44, 0.06], [0.5])))
cases.append(case("mountaincar/speed-clip", "mountaincar", [-0.5, 0.0695], [1.0, 1.0, 3.0, 1.0],
                  mountaincar([-0.5, 0.0695], [1.0, 1.0, 3.0, 1.0])))
cases.append(case("mountaincar/neg-speed-clip", "mountaincar", [-0.3, -0.0695], [-1.0, -2.0, -1.0],
                  mountaincar([-0.3, -0.0695], [-1.0, -2.0, -1.0])))
# After a clipped velocity (a Python float) the position update of a
# float32 state is float32 arithmetic: here it rounds differently from
# float64 arithmetic followed by the float32 store.
cases.append(case("mountaincar/clipped-speed-float32", "mountaincar", [-0.02001, -0.0695], [-1.0, -1.0, -1.0],
                  mountaincar([-0.02001, -0.0695], [-1.0, -1.0, -1.0])))
for gain in [1.0, 1.5, 0.8]:
    acts = mc_policy([-0.52, 0.0], 400, gain)
    cases.append(case("mountaincar/pump %r" % gain, "mountaincar", [-0.52, 0.0], acts,
                      mountaincar([-0.52, 0.0], acts)))
lm = [float(v) for v in rng.uniform(-1.5, 1.5, 300)]
cases.append(case("mountaincar/300 random", "mountaincar", [-0.45, 0.01], lm, mountaincar([-0.45, 0.01], lm)))

cs = [0.01, -0.02, 0.03, 0.04]
da = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0, 1]
cases.append(case("cartpole-discrete/mixed", "cartpole-discrete", cs, da, cartpole(cs, da, True)))
cases.append(case("cartpole-discrete/fall", "cartpole-discrete", [0.0, 0.0, 0.1, 0.5], [1] * 40,
                  cartpole([0.0, 0.0, 0.1, 0.5], [1] * 40, True)))
cases.append(case("cartpole-discrete/x-limit", "cartpole-discrete", [2.39, 1.0, 0.0, 0.0], [0, 0, 0],
                  cartpole([2.39, 1.0, 0.0, 0.0], [0, 0, 0], True)))
ca = [0.5, -1.5, 0.2, 0.9, -0.3, 2.0, -1.0, 0.0, 0.7, -0.6]
cases.append(case("cartpole/mixed", "cartpole", cs, ca, cartpole(cs, ca, False)))

dm = [2, 2, 0, 1, 0, 2, 1, 1, 0, 2]
cases.append(case("mountaincar-discrete/mixed", "mountaincar-discrete", [-0.5, 0.0], dm,
                  mountaincar_discrete([-0.5, 0.0], dm)))
cases.append(case("mountaincar-discrete/left-wall", "mountaincar-discrete", [-1.19, -0.05], [0, 0, 2],
                  mountaincar_discrete([-1.19, -0.05], [0, 0, 2])))
cases.append(case("mountaincar-discrete/goal", "mountaincar-discrete", [0.49, 0.02], [1],
                  mountaincar_discrete([0.49, 0.02], [1])))
cases.append(case("mountaincar-discrete/speed-clip", "mountaincar-discrete", [-0.5, 0.0695], [2, 2, 2],
                  mountaincar_discrete([-0.5, 0.0695], [2, 2, 2])))
cases.append(case("mountaincar-discrete/neg-speed-clip", "mountaincar-discrete", [-0.3, -0.0695], [0, 0, 0],
                  mountaincar_discrete([-0.3, -0.0695], [0, 0, 0])))
# Pushing with the velocity reaches the goal in about 100 steps.
pump, st = [], (-0.52, 0.0)
for _ in range(200):
    pump.append(2 if st[1] >= 0 else 0)
    res = mountaincar_discrete([-0.52, 0.0], pump)[-1]
    st = res["state"]
    if res["terminated"]:
        break
cases.append(case("mountaincar-discrete/pump", "mountaincar-discrete", [-0.52, 0.0], pump,
                  mountaincar_discrete([-0.52, 0.0], pump)))
lmd = [int(v) for v in rng.integers(0, 3, 200)]
cases.append(case("mountaincar-discrete/200 random", "mountaincar-discrete", [-0.45, 0.01], lmd,
                  mountaincar_discrete([-0.45, 0.01], lmd)))

ac0 = [0.05, -0.03, 0.02, -0.01]
aa = [2, 0, 1, 2, 2, 0, 0, 1, 2, 0, 1, 1, 2, 0, 2, 2, 0, 1, 0, 2]
cases.append(case("acrobot/mixed", "acrobot", ac0, aa, acrobot(ac0, aa)))
for a in [0, 1, 2]:
    cases.append(case("acrobot/constant %d" % a, "acrobot", [0.3, -0.4, 1.0, -2.0], [a] * 30,
                      acrobot([0.3, -0.4, 1.0, -2.0], [a] * 30)))
# Angles far outside [-π, π] are wrapped after one step; velocities beyond
# 4π and 9π are clipped.
cases.append(case("acrobot/wrap", "acrobot", [7.0, -9.5, 0.5, 0.5], [1, 1],
                  acrobot([7.0, -9.5, 0.5, 0.5], [1, 1])))
cases.append(case("acrobot/velocity-clip", "acrobot", [0.5, 1.0, 12.5, 28.0], [2, 2, 0],
                  acrobot([0.5, 1.0, 12.5, 28.0], [2, 2, 0])))
cases.append(case("acrobot/velocity-clip-negative", "acrobot", [-0.5, -1.0, -12.5, -28.0], [0, 0, 2],
                  acrobot([-0.5, -1.0, -12.5, -28.0], [0, 0, 2])))
# Torque along the second joint's velocity pumps energy: the tip rises
# above the line in 73 steps.
swing, st = [], [0.0, 0.0, 0.0, 0.0]
for _ in range(500):
    swing.append(2 if st[3] >= 0 else 0)
    res = acrobot([0.0, 0.0, 0.0, 0.0], swing)[-1]
    st = res["state"]
    if res["terminated"]:
        break
cases.append(case("acrobot/swing-up", "acrobot", [0.0, 0.0, 0.0, 0.0], swing,
                  acrobot([0.0, 0.0, 0.0, 0.0], swing)))
la = [int(v) for v in rng.integers(0, 3, 100)]
cases.append(case("acrobot/100 random", "acrobot", [0.01, 0.02, -0.03, 0.04], la,
                  acrobot([0.01, 0.02, -0.03, 0.04], la)))

json.dump(cases, __import__("sys").stdout, indent=None)
print()
