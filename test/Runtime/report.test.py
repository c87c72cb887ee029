import json
import sys

t = sys.argv[1]
r = json.load(open(f"{t}/linear.json"))
assert r["format"] == "mpt-run-report" and r["version"] == 1
assert set(r) == {"format", "version", "artifact", "device", "data", "run", "steps",
                  "summary", "eval", "timing", "data_parallel", "memory",
                  "state"}, sorted(r)
# One process, and a hand-written step without an all-reduce.
assert r["data_parallel"] == {"ranks": 1, "collective": "single",
                              "description": "one process", "local_batch": 32,
                              "global_batch": 32, "all_reduces": 0,
                              "all_reduce_bytes": 0,
                              "all_reduce_s": 0}, r["data_parallel"]
assert r["artifact"]["target"] == "cpu" and r["artifact"]["precision"] == "f32"
assert r["artifact"]["options"] == {"origin": "test/Runtime/Inputs/linear.c"}
assert r["device"]["name"] == "cpu"
assert r["data"] == {"source": "synthetic", "batch_size": 32, "train_samples": 1024,
                     "train_batches_per_epoch": 32, "test_samples": 256}, r["data"]
assert r["run"] == {"first_step": 0, "steps": 12, "last_step": 12, "resumed_from": None,
                    "checkpoint": f"{t}/l.ckpt"}, r["run"]
assert [s["step"] for s in r["steps"]] == list(range(1, 13))
for s in r["steps"]:
    assert set(s) == {"step", "loss", "scale", "skipped", "ms"}, s
    assert isinstance(s["loss"], float) and s["scale"] is None and s["skipped"] is False
    assert s["ms"] >= 0
assert r["summary"] == {"final_loss": r["steps"][-1]["loss"], "final_scale": None,
                        "skipped_steps": 0}, r["summary"]
e = r["eval"]
assert e["samples"] == 256 and e["batches"] == 8 and e["unused_samples"] == 0, e
assert 0 <= e["accuracy"] <= 1 and e["correct"] == round(e["accuracy"] * 256), e
for k in ("load_s", "train_s", "eval_s", "samples_per_s"):
    assert r["timing"][k] >= 0, k
assert set(r["timing"]["step_ms"]) == {"mean", "median", "min", "max"}
m = r["memory"]
# W f32[64, 10] + b f32[10] are parameters; with the momenta, the state.
assert m["parameter_bytes"] == 4 * (640 + 10), m
assert m["state_bytes"] == 2 * 4 * (640 + 10), m
assert m["state_buffer_bytes"] == 2 * m["state_bytes"], m  # two buffers each
# inputs x f32[32, 8, 8, 1] and y i32[32], the loss; eval adds logits.
assert m["step_buffer_bytes"] == 4 * 32 * 64 + 4 * 32 + 4, m
assert m["eval_buffer_bytes"] == 4 * 32 * 64 + 4 * 32 + 4 + 4 * 320, m
assert m["device_peak_bytes"] >= m["state_buffer_bytes"] + m["step_buffer_bytes"]
assert m["host_peak_rss_bytes"] > 0
# linear.c reports its temporaries: 2560 bytes in train_step, 81920 in
# eval_step. Each function's peak is its own (the train peak used to
# include eval_step's temporaries); step_scratch_peak_bytes is the train
# one, as before.
assert m["train_scratch_peak_bytes"] == 2560, m
assert m["eval_scratch_peak_bytes"] == 81920, m
assert m["step_scratch_peak_bytes"] == 2560, m
assert [s["name"] for s in r["state"]] == ["W", "b", "W.momentum", "b.momentum"]
assert r["state"][0] == {"name": "W", "role": "param", "type": "f32[64, 10]", "bytes": 2560}

ls = json.load(open(f"{t}/ls.json"))
# g = 1, 1e5, 1, then the data wraps around: 1, 1e5.
assert [s["scale"] for s in ls["steps"]] == [4.0, 1.0, 1.0, 2.0, 0.5], ls["steps"]
assert [s["skipped"] for s in ls["steps"]] == [False, True, False, False, True]
assert ls["summary"]["skipped_steps"] == 2 and ls["summary"]["final_scale"] == 0.5
assert ls["eval"] is None and ls["data"]["train_batches_per_epoch"] == 3
# Code that does not report its temporaries.
assert ls["memory"]["train_scratch_peak_bytes"] is None
assert ls["memory"]["eval_scratch_peak_bytes"] is None
assert ls["memory"]["step_scratch_peak_bytes"] is None
print("ok")
