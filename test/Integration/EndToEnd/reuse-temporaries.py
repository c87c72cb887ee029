# Step temporaries are kept for the next step (mpt-compile
# --reuse-temporaries, the default) and nothing else changes: the zoo's CNN
# and ResNet (2 blocks) at f32, f16 (dynamic loss scaling) and bf16 train 8
# steps on the digits, and every step's loss and the final checkpoint equal,
# byte for byte, those of the same step compiled with
# --reuse-temporaries=false (every freed block handed back to malloc, the
# code before reuse: the reference). The report's allocator figures must
# show the reuse: after the first step, no block comes from malloc
# (train_scratch_system_allocations.later_steps == 0), while the reference
# takes the first step's count again at every step; the kept bytes stay
# within the cap of twice the scratch peak. (The page faults this saves are
# checked by reuse-temporaries-page-faults.py.)
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: %e2e_python %s %t

import sys

import e2e

t = sys.argv[1]
check = e2e.Checks()
STEPS = 8
MODELS = {"cnn": ["--batch", "32"],
          "resnet": ["--batch", "8", "--blocks", "2"]}


for model, args in MODELS.items():
    src = e2e.zoo_step(model, args, t)
    for precision in ["f32", "f16", "bf16"]:
        tag = f"{model}-{precision}"
        ref_art = e2e.compile_step(src, f"{t}/{tag}-free.mpt", precision,
                                   reuse_temporaries=False)
        art = e2e.compile_step(src, f"{t}/{tag}.mpt", precision)
        ref = e2e.train_to_checkpoint(ref_art, t, f"{tag}-free", STEPS)
        run = e2e.train_to_checkpoint(art, t, tag, STEPS)
        e2e.same_training(check, tag, run, ref, "the run without reuse")

        mem, ref_mem = run[0]["memory"], ref[0]["memory"]
        allocs = mem["train_scratch_system_allocations"]
        ref_allocs = ref_mem["train_scratch_system_allocations"]
        check(allocs is not None and ref_allocs is not None,
              f"{tag}: the report has no allocator figures")
        if allocs is None or ref_allocs is None:
            continue
        check(allocs["first_step"] > 0,
              f"{tag}: the first step allocated nothing from malloc")
        check(allocs["later_steps"] == 0,
              f"{tag}: steps 2-{STEPS} took {allocs['later_steps']} blocks "
              f"from malloc with reuse")
        check(ref_allocs["later_steps"] ==
              (STEPS - 1) * ref_allocs["first_step"],
              f"{tag}: without reuse steps 2-{STEPS} took "
              f"{ref_allocs['later_steps']} blocks, not {STEPS - 1} x "
              f"{ref_allocs['first_step']}")
        check(allocs["first_step"] <= ref_allocs["first_step"],
              f"{tag}: reuse took more blocks in the first step "
              f"({allocs['first_step']} > {ref_allocs['first_step']})")
        check(0 < mem["scratch_kept_bytes"] <=
              2 * mem["train_scratch_peak_bytes"],
              f"{tag}: {mem['scratch_kept_bytes']} bytes kept for a scratch "
              f"peak of {mem['train_scratch_peak_bytes']} (the cap is twice "
              f"the peak)")
        check(ref_mem["scratch_kept_bytes"] == 0,
              f"{tag}: {ref_mem['scratch_kept_bytes']} bytes kept without "
              f"reuse")
        check(mem["train_scratch_peak_bytes"] ==
              ref_mem["train_scratch_peak_bytes"],
              f"{tag}: the scratch peak changed with reuse "
              f"({mem['train_scratch_peak_bytes']} against "
              f"{ref_mem['train_scratch_peak_bytes']})")


check.done()
