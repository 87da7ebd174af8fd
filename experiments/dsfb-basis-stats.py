#!/usr/bin/env python3
# Statistics of the DSFB experiment runs beside the report: per stage the shared bases' gradient-norm median,
# p99/median and max/median, and from each last checkpoint the mean |cosine| between distinct filters of every
# shared basis (0 = orthogonal). Standard library only.  Usage: experiments/dsfb-basis-stats.py runs/dsfb-fashion-mnist
import csv, glob, os, statistics as st, sys
root = sys.argv[1]
rows = {}
for d in sorted(glob.glob(os.path.join(root, '*-seed*'))):
    name = os.path.basename(d)
    if 'Shared' not in name or not os.path.exists(os.path.join(d, 'finished')): continue
    key = name.rsplit('-seed', 1)[0]
    with open(os.path.join(d, 'metrics.csv')) as f:
        r = list(csv.DictReader(f))
    out = {}
    for s in ('stage1', 'stage2', 'stage3'):
        g = [float(x['grad_norm.' + s]) for x in r]
        last = g[-469:]
        gs = sorted(g)
        out[s] = (st.median(g), gs[int(0.99 * len(gs))] / st.median(g), max(g) / st.median(g), st.mean(last))
    if 'penalty.orthogonality' in r[0]:
        pen = [float(x['penalty.orthogonality']) for x in r]
        out['pen'] = (pen[0], st.mean(pen[-469:]))
    rows.setdefault(key, []).append(out)
for key, outs in rows.items():
    print(key, 'seeds', len(outs))
    for s in ('stage1', 'stage2', 'stage3'):
        vals = [o[s] for o in outs]
        print('  %s median %.3f  p99/median %.2f  max/median %.2f  last-epoch mean %.3f' % ((s,) + tuple(st.mean(v[i] for v in vals) for i in range(4))))
    if 'pen' in outs[0]:
        print('  orthogonality penalty: first step %.3g, last-epoch mean %.4g' % tuple(st.mean(o['pen'][i] for o in outs) for i in range(2)))

import json, struct, math
def bases(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]; h = json.loads(f.read(n)); base = 8 + n
        out = {}
        for k, v in h.items():
            if k.startswith('shared_basis') and k.endswith('.weight'):
                a, b = v['data_offsets']; f.seek(base + a)
                data = struct.unpack('<%df' % ((b - a) // 4), f.read(b - a))
                r = v['shape'][0]; m = len(data) // r
                out[k] = [data[i * m:(i + 1) * m] for i in range(r)]
        return out
def offdiag(rows):
    norms = [math.sqrt(sum(x * x for x in r)) for r in rows]
    s = 0; c = 0
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            s += abs(sum(a * b for a, b in zip(rows[i], rows[j]))) / (norms[i] * norms[j]); c += 1
    return s / c
print('mean |cosine| between distinct filters of each shared basis, last checkpoint (0 = orthogonal):')
res = {}
for d in sorted(glob.glob(os.path.join(root, '*Shared*-seed*'))):
    if not os.path.exists(os.path.join(d, 'finished')): continue
    key = os.path.basename(d).rsplit('-seed', 1)[0]
    b = bases(os.path.join(d, 'last.safetensors'))
    res.setdefault(key, []).append({k: offdiag(v) for k, v in b.items()})
for key, lst in res.items():
    ks = sorted(lst[0])
    print('  %-32s %s' % (key, '  '.join('%s %.3f' % (k.replace('.weight', ''), st.mean(x[k] for x in lst)) for k in ks)))
