# Register-tiled matmuls and convolutions (mpt-compile
# --register-tile-matmuls, the default) change no bit: the zoo's MLP (2 x
# 64, batch 32), CNN (2 conv blocks of width 16, batch 16) and a transformer
# (1 block of width 32, batch 8) at f32, f16 (dynamic loss scaling) and
# bf16 train 6 steps on the digits with 1 and 2 threads (2 threads split
# the tiled ops' rows or batch between them), and every step's loss and the final
# checkpoint equal, byte for byte, those of the same step compiled with
# --register-tile-matmuls=false (the loop nest the tiles replace: the
# reference), at 1 thread. The default tiles are 16 lanes wide on a machine
# with AVX-512 (--vector-bits=auto), 8 elsewhere; the step compiled with
# --vector-bits=256 (8-lane tiles) trains to the same bits too.
#
# RUN: rm -rf %t && mkdir -p %t
# RUN: %e2e_python %s %t

import sys

import e2e

t = sys.argv[1]
check = e2e.Checks()
STEPS = 6
MODELS = {"mlp": ["--batch", "32", "--blocks", "2", "--width", "64"],
          "cnn": ["--batch", "16", "--blocks", "2", "--width", "16"],
          "transformer": ["--batch", "8", "--blocks", "1", "--width", "32"]}

for model, args in MODELS.items():
    src = e2e.zoo_step(model, args, t)
    for precision in ["f32", "f16", "bf16"]:
        tag = f"{model}-{precision}"
        ref_art = e2e.compile_step(src, f"{t}/{tag}-loops.mpt", precision,
                                   register_tile_matmuls=False,
                                   parallel_min_work=1024)
        art = e2e.compile_step(src, f"{t}/{tag}.mpt", precision,
                               parallel_min_work=1024)
        art256 = e2e.compile_step(src, f"{t}/{tag}-256.mpt", precision,
                                  parallel_min_work=1024, vector_bits=256)
        ref = e2e.train_to_checkpoint(ref_art, t, f"{tag}-loops", STEPS,
                                      "--threads=1")
        for threads in (1, 2):
            run = e2e.train_to_checkpoint(art, t, f"{tag}-{threads}", STEPS,
                                          f"--threads={threads}")
            e2e.same_training(check, f"{tag}, {threads} thread(s)", run, ref,
                              "the untiled loops")
        run = e2e.train_to_checkpoint(art256, t, f"{tag}-256", STEPS,
                                      "--threads=2")
        e2e.same_training(check, f"{tag}, 8-lane tiles, 2 threads", run, ref,
                          "the untiled loops")

check.done()
