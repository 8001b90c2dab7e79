import collections, atexit, time
from schemathesis.generation.case import Case
tally = collections.Counter(); spent = collections.Counter()
orig = Case.call
def call(self, *a, **k):
    t=time.perf_counter(); r = orig(self, *a, **k)
    phase = self.meta.phase.name.value if self.meta else "explicit"
    tally[(self.operation.label, phase, r.status_code)] += 1; spent[(self.operation.label, phase)] += time.perf_counter()-t
    return r
Case.call = call
def dump():
    for key in sorted(tally): print("TALLY", key, tally[key])
    for key in sorted(spent): print("SPENT", key, round(spent[key],2))
atexit.register(dump)
