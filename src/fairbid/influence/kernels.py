"""Numba kernels simulating cascades: IC/CIC (:func:`cascade_block`) and LT/CLT (:func:`threshold_block`).

Both kernels run simulations ``sim0 .. sim0+nsims-1`` of one run; simulation ``i`` draws only from
its own stream ``(base, i)`` (see :mod:`fairbid.influence.rng`). Both work level by level (step
``t`` processes exactly the nodes activated at step ``t-1``), touch only the nodes a cascade
reaches (``O(cascade)`` per simulation, no ``O(n)`` reset: arrays are stamped with the
simulation's tag), and stop after ``max_steps`` levels when ``max_steps >= 0``.

Common inputs: ``seeds`` (internal node ids, all competitors concatenated), ``seed_comp`` (the
competitor of each seed), ``ncomp``, ``blocked`` (nodes that can never be activated, hence never
activate: seed 001's unsold seeds); outputs ``counts[s, c]`` (nodes active for competitor ``c`` at
the end of simulation ``sim0 + s``, seeds included) and, when ``track`` is set, ``origin_totals[j]``
(summed over simulations: nodes whose activation chain leads back to seed ``j``, seed included).

Rules (documented choices)
--------------------------
IC, one competitor: each newly active node gets one attempt per out-edge, success with probability
``w`` (a 31-bit coin packed with the edge's target, see :func:`fairbid.influence.rng.pack_edges`:
exact to 2^-31, two coins per 64-bit draw); an already active node is skipped without a draw. Origin: the first successful attempt in BFS order.

CIC (several competitors): as IC, but a node first activated in the *current* step can still be
claimed by further successful attempts of the same step; the winner is uniform among *all*
successful attempts of that step (reservoir sampling), so a competitor with more successful
in-neighbours in that step is proportionally more likely to win (our documented choice; the usual
simultaneous-activation rule of competitive IC models, e.g. Bharathi, Kempe and Salek, WINE 2007).
The node's origin is that of the winning attempt. With one competitor this is exactly IC.

LT / CLT: thresholds in (0, 1] (``1 - U``), drawn per simulation when a node is first reached
(identical in law to drawing all ``n`` up front, and much cheaper), or taken from ``fixed_thr``.
Each competitor's weight from its active in-neighbours accumulates separately; after each step,
every node where some competitor's weight reached the threshold is activated by the competitor with
the largest accumulated weight, exact ties uniformly at random (seed 001, Definition 6). A node is
activated at most once. Origin: among the winning competitor's active in-neighbours, the one with
the largest edge weight (ties: the first to become active). With one competitor this is LT.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from fairbid.influence.rng import GOLDEN, MASK32, S1, S32, mix64, next_u32, next_uniform, start_stream, stream_state


@njit(cache=True, nogil=True)
def cascade_block(indptr, packed, n, seeds, seed_comp, ncomp, blocked, base, sim0, nsims,
                  max_steps, track, counts, origin_totals):
    """IC (``ncomp == 1``) and CIC cascades; see the module docstring."""
    stamp = np.zeros(n, np.int32)
    level = np.zeros(n, np.int32)
    owner = np.zeros(n, np.int32)
    origin = np.zeros(n, np.int32)
    hits = np.zeros(n, np.int32)
    queue = np.empty(n, np.int32)
    state = np.zeros(3, np.uint64)
    for s in range(nsims):
        tag = s + 1
        start_stream(state, base, sim0 + s)
        tail = 0
        for j in range(seeds.shape[0]):
            v = seeds[j]
            stamp[v] = tag
            level[v] = 0
            owner[v] = seed_comp[j]
            origin[v] = j
            queue[tail] = v
            tail += 1
        for j in range(blocked.shape[0]):
            stamp[blocked[j]] = tag
            level[blocked[j]] = -1
        start = 0
        end = tail
        step = 0
        while start < end and (max_steps < 0 or step < max_steps):
            step += 1
            for qi in range(start, end):
                u = queue[qi]
                c = owner[u]
                o = origin[u]
                for e in range(indptr[u], indptr[u + 1]):
                    pe = packed[e]
                    v = np.int64(pe & MASK32)
                    if stamp[v] != tag:
                        if (next_u32(state) >> S1) < (pe >> S32):
                            stamp[v] = tag
                            level[v] = step
                            owner[v] = c
                            origin[v] = o
                            hits[v] = 1
                            queue[tail] = v
                            tail += 1
                    elif ncomp > 1 and level[v] == step:
                        if (next_u32(state) >> S1) < (pe >> S32):
                            hits[v] += 1
                            if next_uniform(state) * hits[v] < 1.0:
                                owner[v] = c
                                origin[v] = o
            start = end
            end = tail
        for qi in range(tail):
            v = queue[qi]
            counts[s, owner[v]] += 1
            if track:
                origin_totals[origin[v]] += 1


@njit(cache=True, nogil=True)
def threshold_block(indptr, indices, weights, in_indptr, n, seeds, seed_comp, ncomp, blocked, base, sim0,
                    nsims, max_steps, track, use_fixed, fixed_thr, dense, counts, origin_totals):
    """LT (``ncomp == 1``) and CLT cascades; see the module docstring.

    ``dense``: keep each node's per-competitor weights in a dense ``n x ncomp`` block (fast when
    that fits in memory) instead of the ``O(m)`` slot store. Both give the same law; exact ties are
    broken by draws over slots listed in competitor order (dense) or arrival order (slots).
    """
    m = indices.shape[0]
    # stamp[v] == 2 tag: reached this simulation (threshold drawn); 2 tag + 1: active.
    stamp = np.zeros(n, np.int64)
    cand_mark = np.zeros(n, np.int64)
    thr = np.zeros(n, np.float64)
    owner = np.zeros(n, np.int32)
    origin = np.zeros(n, np.int32)
    nslot = np.zeros(n, np.int32)
    queue = np.empty(n, np.int32)
    cand = np.empty(n, np.int32)
    # One slot per (node, competitor reaching it); a node has at most in-degree of them, so the
    # in-edge offsets give every node enough room: memory O(n + m) whatever the competitor count.
    # With one competitor node v's single slot is v itself (denser, fewer cache misses).
    single = ncomp == 1
    if single:
        dense = True
    nslots = n * ncomp if dense else m
    slot_comp = np.empty(nslots, np.int32)
    slot_acc = np.empty(nslots, np.float64)
    slot_bw = np.empty(nslots if track else 1, np.float64)
    slot_bo = np.empty(nslots if track else 1, np.int32)
    state = np.zeros(1, np.uint64)
    mark = np.int64(0)
    for s in range(nsims):
        reached = 2 * np.int64(s + 1)
        act = reached + 1
        state[0] = stream_state(base, sim0 + s)
        tail = 0
        for j in range(seeds.shape[0]):
            v = seeds[j]
            stamp[v] = act
            owner[v] = seed_comp[j]
            origin[v] = j
            queue[tail] = v
            tail += 1
        for j in range(blocked.shape[0]):
            stamp[blocked[j]] = act
        start = 0
        end = tail
        step = 0
        while start < end and (max_steps < 0 or step < max_steps):
            step += 1
            mark += 1
            ncand = 0
            for qi in range(start, end):
                u = queue[qi]
                c = owner[u]
                o = origin[u]
                for e in range(indptr[u], indptr[u + 1]):
                    v = indices[e]
                    st = stamp[v]
                    if st == act:
                        continue
                    if st != reached:
                        stamp[v] = reached
                        nslot[v] = 0
                        if dense:
                            for q in range(v * ncomp, v * ncomp + ncomp):
                                slot_acc[q] = 0.0
                                slot_comp[q] = -1
                        if use_fixed:
                            thr[v] = fixed_thr[v]
                        else:
                            thr[v] = 1.0 - next_uniform(state)
                    w = weights[e]
                    if dense:
                        b = v * ncomp
                        j = c
                        new = slot_comp[b + c] < 0
                    else:
                        b = in_indptr[v]
                        k = nslot[v]
                        j = 0
                        while j < k and slot_comp[b + j] != c:
                            j += 1
                        new = j == k
                    if new:
                        slot_comp[b + j] = c
                        slot_acc[b + j] = w
                        nslot[v] += 1
                        if track:
                            slot_bw[b + j] = w
                            slot_bo[b + j] = o
                    else:
                        slot_acc[b + j] += w
                        if track and w > slot_bw[b + j]:
                            slot_bw[b + j] = w
                            slot_bo[b + j] = o
                    if slot_acc[b + j] >= thr[v] and cand_mark[v] != mark:
                        cand_mark[v] = mark
                        cand[ncand] = v
                        ncand += 1
            for i in range(ncand):
                v = cand[i]
                b = v * ncomp if dense else in_indptr[v]
                best = -1
                best_acc = -1.0
                ties = 0
                for j in range(ncomp if dense else nslot[v]):
                    if slot_comp[b + j] < 0:
                        continue
                    a = slot_acc[b + j]
                    if a >= thr[v]:
                        if a > best_acc:
                            best = j
                            best_acc = a
                            ties = 1
                        elif a == best_acc:
                            ties += 1
                            if next_uniform(state) * ties < 1.0:
                                best = j
                stamp[v] = act
                owner[v] = slot_comp[b + best]
                if track:
                    origin[v] = slot_bo[b + best]
                queue[tail] = v
                tail += 1
            start = end
            end = tail
        for qi in range(tail):
            v = queue[qi]
            counts[s, owner[v]] += 1
            if track:
                origin_totals[origin[v]] += 1


@njit(cache=True, nogil=True)
def ic_block(indptr, packed, n, seeds, blocked, base, sim0, nsims, max_steps, counts):
    """IC with one competitor and no origin tracking: :func:`cascade_block`'s draws, fewer arrays.

    Processes the queue in FIFO order, which is level order, so it consumes exactly the same random
    numbers as :func:`cascade_block` and returns identical counts. ``seen`` is one byte per node,
    cleared after each simulation along the queue (small enough to stay in cache); each edge is one
    packed word (target and coin: one cache miss per node's edge list, not two). The generator of
    :func:`~fairbid.influence.rng.next_u32` is written out on local variables so that they stay in
    registers in the hot loop.
    """
    seen = np.zeros(n, np.uint8)
    queue = np.empty(n, np.int32)
    for j in range(blocked.shape[0]):
        seen[blocked[j]] = 1  # never queued, so never cleared
    for s in range(nsims):
        ctr = stream_state(base, sim0 + s)
        word = np.uint64(0)
        have = False
        tail = 0
        for j in range(seeds.shape[0]):
            seen[seeds[j]] = 1
            queue[tail] = seeds[j]
            tail += 1
        start = 0
        end = tail
        step = 0
        while start < end and (max_steps < 0 or step < max_steps):
            step += 1
            for qi in range(start, end):
                u = queue[qi]
                for e in range(indptr[u], indptr[u + 1]):
                    pe = packed[e]
                    v = np.int64(pe & MASK32)
                    if seen[v] == 0:
                        if have:
                            r = word >> S32
                            have = False
                        else:
                            ctr += GOLDEN
                            word = mix64(ctr)
                            r = word & MASK32
                            have = True
                        if (r >> S1) < (pe >> S32):
                            seen[v] = 1
                            queue[tail] = v
                            tail += 1
            start = end
            end = tail
        counts[s, 0] = tail
        for i in range(tail):
            seen[queue[i]] = 0


@njit(cache=True, nogil=True)
def lt_block(indptr, indices, weights, n, seeds, blocked, base, sim0, nsims, max_steps, use_fixed, fixed_thr,
             counts):
    """LT with one competitor and no origin tracking: :func:`threshold_block`'s draws, fewer arrays.

    A node is activated as soon as its weight reaches its threshold; it is appended to the queue in
    the order :func:`threshold_block` would list it as a candidate, so the draws and the counts are
    identical. ``mark`` is one byte per node (0 untouched, 1 reached: threshold drawn, 2 active),
    small enough to stay in cache for the many pushes that hit active nodes; it is cleared along the
    touched nodes after each simulation. ``acc_thr[v]`` keeps weight and threshold side by side.
    """
    mark = np.zeros(n, np.uint8)
    acc_thr = np.zeros((n, 2), np.float64)
    queue = np.empty(n, np.int32)
    reached = np.empty(n, np.int32)
    state = np.zeros(1, np.uint64)
    for s in range(nsims):
        state[0] = stream_state(base, sim0 + s)
        tail = 0
        nreached = 0
        for j in range(seeds.shape[0]):
            mark[seeds[j]] = 2
            queue[tail] = seeds[j]
            tail += 1
        for j in range(blocked.shape[0]):
            mark[blocked[j]] = 2
        start = 0
        end = tail
        step = 0
        while start < end and (max_steps < 0 or step < max_steps):
            step += 1
            for qi in range(start, end):
                u = queue[qi]
                for e in range(indptr[u], indptr[u + 1]):
                    v = indices[e]
                    mv = mark[v]
                    if mv == 2:
                        continue
                    if mv == 0:
                        mark[v] = 1
                        reached[nreached] = v
                        nreached += 1
                        acc_thr[v, 0] = 0.0
                        acc_thr[v, 1] = fixed_thr[v] if use_fixed else 1.0 - next_uniform(state)
                    acc_thr[v, 0] += weights[e]
                    if acc_thr[v, 0] >= acc_thr[v, 1]:
                        mark[v] = 2
                        queue[tail] = v
                        tail += 1
            start = end
            end = tail
        counts[s, 0] = tail
        for i in range(tail):
            mark[queue[i]] = 0
        for i in range(nreached):
            mark[reached[i]] = 0
        for j in range(blocked.shape[0]):
            mark[blocked[j]] = 0
