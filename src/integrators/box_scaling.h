#pragma once
// Scaling a periodic system by a diagonal factor: positions and box vectors component-wise (so a
// triclinic box stays lower triangular), velocities by the inverse when asked (C-rescale).

#include "proteinmd/core/state.h"

namespace proteinmd::detail {

inline void scaleBoxAndPositions(State& state, const Vec3& mu, bool scaleVelocitiesInversely)
{
    for (Vec3& x : state.positions) {
        for (int d = 0; d < 3; ++d) {
            x[d] *= mu[d];
        }
    }
    if (scaleVelocitiesInversely) {
        for (Vec3& v : state.velocities) {
            for (int d = 0; d < 3; ++d) {
                v[d] /= mu[d];
            }
        }
    }
    Matrix3 box = state.box.vectors();
    for (int r = 0; r < 3; ++r) {
        for (int d = 0; d < 3; ++d) {
            box[r][d] *= mu[d];
        }
    }
    state.box = Box::fromMatrix(box);
}

} // namespace proteinmd::detail
