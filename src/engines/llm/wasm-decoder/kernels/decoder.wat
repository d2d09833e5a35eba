;; Kernels of Hearth's WASM decoder for Llama-family models with 4-bit weights (WebAssembly SIMD, 128-bit).
;;
;; build-kernels.ts assembles this file four times: with relaxed SIMD or plain SIMD (the `;;#relaxed` /
;; `;;#plain` / `;;#end` sections), each with a shared or an unshared memory (the marker after the memory import). Both SIMD builds
;; compute the same integers and then the same float operations in the same order, so their results
;; are bit-identical (checked by tests/unit/llm/wasm-decoder-kernels.test.ts).
;;
;; All pointers are byte offsets into the imported memory. Shapes in comments: K inputs, N outputs,
;; KB = K / 32 blocks, G = N / 4 row groups, S tokens.
;;
;; 4-bit matrix (N rows of K weights; the nibbles are MatMulNBits' own bytes, only scales and zero points
;; are regrouped at load):
;;   nib [N, KB, 16 bytes]          byte j of a row-block: weight 2j in the low nibble, weight 2j + 1 in the high
;;   scl [G, KB, 4 rows] f32        the block's scale
;;   zp  [G, KB, 4 rows] u8         the block's zero point (0..15)
;;   w(n, k) = (q(n, k) - zp(n, k / 32)) * scl(n, k / 32)
;; 8-bit activations (per token, blocks of 32):
;;   xq [S, KB, 32] i8: each block holds its even elements, then its odd ones (so that they meet the low
;;   and the high nibbles); xs [S, KB] f32 (the block's step d); xsum [S, KB] i32 (sum of the block's q)
;;   x(k) ~ q(k) * d, with d = amax / 127 and q = round_half_even(x * (1 / d)) in [-127, 127]
;; Then, exactly in integers, sum_k q_x(k) * (q_w(k) - zp) = dot(q_x, q_w) - zp * xsum, and per block in f32:
;;   acc += f32(that) * (scl * d).
(module
  (import "env" "memory" (memory 1 65536 ;;@shared
  ))

  ;; out[s, 4g..4g+3] = sum over blocks, for row groups g0 <= g < g1 and tokens 0 <= s < S.
  ;; Output rows are n4 * 16 bytes apart (N floats).
  (func $q4_gemm (export "q4_gemm")
    (param $nib i32) (param $scl i32) (param $zp i32) (param $kb i32) (param $g0 i32) (param $g1 i32)
    (param $xq i32) (param $xs i32) (param $xsum i32) (param $s i32) (param $n4 i32) (param $out i32)
    (local $g i32) (local $b i32) (local $t i32) (local $pn i32) (local $ps i32) (local $pz i32)
    (local $pa i32) (local $po i32) (local $rowq i32) (local $rowb i32) (local $outRow i32)
    (local $rb i32) (local $rb2 i32) (local $rb3 i32) (local $pxs i32) (local $pxsum i32)
    (local $mask v128) (local $alo v128) (local $ahi v128) (local $tot v128) (local $zpv v128) (local $sclv v128)
    (local $w0l v128) (local $w0h v128) (local $w1l v128) (local $w1h v128)
    (local $w2l v128) (local $w2h v128) (local $w3l v128) (local $w3h v128)
    (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $p3 v128) (local $c v128) (local $f v128)
    ;;#plain
    (local $all v128) (local $alh v128) (local $ahl v128) (local $ahh v128)
    ;;#end
    (local.set $mask (i8x16.splat (i32.const 15)))
    (local.set $rowq (i32.shl (local.get $kb) (i32.const 5)))
    (local.set $rowb (i32.shl (local.get $kb) (i32.const 2)))
    (local.set $outRow (i32.shl (local.get $n4) (i32.const 4)))
    (local.set $rb (i32.shl (local.get $kb) (i32.const 4)))
    (local.set $rb2 (i32.shl (local.get $rb) (i32.const 1)))
    (local.set $rb3 (i32.add (local.get $rb2) (local.get $rb)))
    ;; zero the outputs of this range
    (local.set $t (i32.const 0))
    (block $zdone (loop $zrows
      (br_if $zdone (i32.ge_u (local.get $t) (local.get $s)))
      (local.set $g (local.get $g0))
      (block $zgdone (loop $zgroups
        (br_if $zgdone (i32.ge_u (local.get $g) (local.get $g1)))
        (v128.store
          (i32.add (i32.add (local.get $out) (i32.mul (local.get $t) (local.get $outRow))) (i32.shl (local.get $g) (i32.const 4)))
          (v128.const i32x4 0 0 0 0))
        (local.set $g (i32.add (local.get $g) (i32.const 1)))
        (br $zgroups)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $zrows)))

    (local.set $g (local.get $g0))
    (block $gdone (loop $groups
      (br_if $gdone (i32.ge_u (local.get $g) (local.get $g1)))
      (local.set $pn (i32.add (local.get $nib) (i32.shl (i32.mul (local.get $g) (local.get $kb)) (i32.const 6))))
      (local.set $ps (i32.add (local.get $scl) (i32.shl (i32.mul (local.get $g) (local.get $kb)) (i32.const 4))))
      (local.set $pz (i32.add (local.get $zp) (i32.shl (i32.mul (local.get $g) (local.get $kb)) (i32.const 2))))
      (local.set $b (i32.const 0))
      (block $bdone (loop $blocks
        (br_if $bdone (i32.ge_u (local.get $b) (local.get $kb)))
        ;; unpack the block of four rows once for all tokens
        (local.set $w0l (v128.load (local.get $pn)))
        (local.set $w0h (v128.and (i16x8.shr_u (local.get $w0l) (i32.const 4)) (local.get $mask)))
        (local.set $w0l (v128.and (local.get $w0l) (local.get $mask)))
        (local.set $w1l (v128.load (i32.add (local.get $pn) (local.get $rb))))
        (local.set $w1h (v128.and (i16x8.shr_u (local.get $w1l) (i32.const 4)) (local.get $mask)))
        (local.set $w1l (v128.and (local.get $w1l) (local.get $mask)))
        (local.set $w2l (v128.load (i32.add (local.get $pn) (local.get $rb2))))
        (local.set $w2h (v128.and (i16x8.shr_u (local.get $w2l) (i32.const 4)) (local.get $mask)))
        (local.set $w2l (v128.and (local.get $w2l) (local.get $mask)))
        (local.set $w3l (v128.load (i32.add (local.get $pn) (local.get $rb3))))
        (local.set $w3h (v128.and (i16x8.shr_u (local.get $w3l) (i32.const 4)) (local.get $mask)))
        (local.set $w3l (v128.and (local.get $w3l) (local.get $mask)))
        (local.set $zpv (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $pz)))))
        (local.set $sclv (v128.load (local.get $ps)))
        (local.set $t (i32.const 0))
        (local.set $pa (i32.add (local.get $xq) (i32.shl (local.get $b) (i32.const 5))))
        (local.set $po (i32.add (local.get $out) (i32.shl (local.get $g) (i32.const 4))))
        (local.set $pxs (i32.add (local.get $xs) (i32.shl (local.get $b) (i32.const 2))))
        (local.set $pxsum (i32.add (local.get $xsum) (i32.shl (local.get $b) (i32.const 2))))
        (block $tdone (loop $tokens
          (br_if $tdone (i32.ge_u (local.get $t) (local.get $s)))
          (local.set $alo (v128.load (local.get $pa)))
          (local.set $ahi (v128.load offset=16 (local.get $pa)))
          ;;#relaxed
          ;; i16 lanes: two products each, |lane| <= 2 * 127 * 15 = 3,810; the sum of two such lanes <= 7,620
          (local.set $p0 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $alo) (local.get $w0l))
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $ahi) (local.get $w0h))))
          (local.set $p1 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $alo) (local.get $w1l))
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $ahi) (local.get $w1h))))
          (local.set $p2 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $alo) (local.get $w2l))
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $ahi) (local.get $w2h))))
          (local.set $p3 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $alo) (local.get $w3l))
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $ahi) (local.get $w3h))))
          ;; [p0 low half + high half, p1 ...] stays within i16 (<= 15,240), then widens to i32 pairs
          (local.set $c (i32x4.extadd_pairwise_i16x8_s (i16x8.add
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $p0) (local.get $p1))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $p0) (local.get $p1)))))
          (local.set $f (i32x4.extadd_pairwise_i16x8_s (i16x8.add
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $p2) (local.get $p3))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $p2) (local.get $p3)))))
          ;;#end
          ;;#plain
          (local.set $all (i16x8.extend_low_i8x16_s (local.get $alo)))
          (local.set $alh (i16x8.extend_high_i8x16_s (local.get $alo)))
          (local.set $ahl (i16x8.extend_low_i8x16_s (local.get $ahi)))
          (local.set $ahh (i16x8.extend_high_i8x16_s (local.get $ahi)))
          (local.set $p0 (i32x4.add (i32x4.add
              (i32x4.dot_i16x8_s (local.get $all) (i16x8.extend_low_i8x16_u (local.get $w0l)))
              (i32x4.dot_i16x8_s (local.get $alh) (i16x8.extend_high_i8x16_u (local.get $w0l))))
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $ahl) (i16x8.extend_low_i8x16_u (local.get $w0h)))
              (i32x4.dot_i16x8_s (local.get $ahh) (i16x8.extend_high_i8x16_u (local.get $w0h))))))
          (local.set $p1 (i32x4.add (i32x4.add
              (i32x4.dot_i16x8_s (local.get $all) (i16x8.extend_low_i8x16_u (local.get $w1l)))
              (i32x4.dot_i16x8_s (local.get $alh) (i16x8.extend_high_i8x16_u (local.get $w1l))))
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $ahl) (i16x8.extend_low_i8x16_u (local.get $w1h)))
              (i32x4.dot_i16x8_s (local.get $ahh) (i16x8.extend_high_i8x16_u (local.get $w1h))))))
          (local.set $p2 (i32x4.add (i32x4.add
              (i32x4.dot_i16x8_s (local.get $all) (i16x8.extend_low_i8x16_u (local.get $w2l)))
              (i32x4.dot_i16x8_s (local.get $alh) (i16x8.extend_high_i8x16_u (local.get $w2l))))
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $ahl) (i16x8.extend_low_i8x16_u (local.get $w2h)))
              (i32x4.dot_i16x8_s (local.get $ahh) (i16x8.extend_high_i8x16_u (local.get $w2h))))))
          (local.set $p3 (i32x4.add (i32x4.add
              (i32x4.dot_i16x8_s (local.get $all) (i16x8.extend_low_i8x16_u (local.get $w3l)))
              (i32x4.dot_i16x8_s (local.get $alh) (i16x8.extend_high_i8x16_u (local.get $w3l))))
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $ahl) (i16x8.extend_low_i8x16_u (local.get $w3h)))
              (i32x4.dot_i16x8_s (local.get $ahh) (i16x8.extend_high_i8x16_u (local.get $w3h))))))
          ;; [p0 lanes 0+2, p1 lanes 0+2, p0 lanes 1+3, p1 lanes 1+3] -> reordered to [p0 a, p0 b, p1 a, p1 b]
          (local.set $c (i32x4.add
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $p0) (local.get $p1))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $p0) (local.get $p1))))
          (local.set $f (i32x4.add
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $p2) (local.get $p3))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $p2) (local.get $p3))))
          ;;#end
          ;; exact row totals [row0, row1, row2, row3]: sum(q_x * q_w) over the block
          (local.set $tot (i32x4.add
            (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $c) (local.get $f))
            (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $c) (local.get $f))))
          ;; minus zp * sum(q_x): still exact (|total| <= 32 * 127 * 15 < 2^24, so f32 holds it exactly too)
          (local.set $tot (i32x4.sub (local.get $tot)
            (i32x4.mul (local.get $zpv)
              (v128.load32_splat (local.get $pxsum)))))
          (v128.store (local.get $po)
            (f32x4.add (v128.load (local.get $po))
              (f32x4.mul (f32x4.convert_i32x4_s (local.get $tot))
                (f32x4.mul (local.get $sclv)
                  (v128.load32_splat (local.get $pxs))))))
          (local.set $pa (i32.add (local.get $pa) (local.get $rowq)))
          (local.set $po (i32.add (local.get $po) (local.get $outRow)))
          (local.set $pxs (i32.add (local.get $pxs) (local.get $rowb)))
          (local.set $pxsum (i32.add (local.get $pxsum) (local.get $rowb)))
          (local.set $t (i32.add (local.get $t) (i32.const 1)))
          (br $tokens)))
        (local.set $pn (i32.add (local.get $pn) (i32.const 16)))
        (local.set $ps (i32.add (local.get $ps) (i32.const 16)))
        (local.set $pz (i32.add (local.get $pz) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))
      (local.set $g (i32.add (local.get $g) (i32.const 1)))
      (br $groups))))

  ;; One token: out[4g..4g+3] for g0 <= g < g1, the accumulator kept in a register. Same arithmetic, in
  ;; the same order, as q4_gemm with S = 1 (the block sums are added to a zeroed f32 lane one by one).
  (func $q4_gemv (export "q4_gemv")
    (param $nib i32) (param $scl i32) (param $zp i32) (param $kb i32) (param $g0 i32) (param $g1 i32)
    (param $xq i32) (param $xs i32) (param $xsum i32) (param $out i32)
    (local $g i32) (local $b i32) (local $pn i32) (local $ps i32) (local $pz i32) (local $pa i32)
    (local $rb i32) (local $rb2 i32) (local $rb3 i32) (local $pxs i32) (local $pxsum i32)
    (local $mask v128) (local $acc v128) (local $alo v128) (local $ahi v128) (local $tot v128) (local $w v128)
    (local $p0 v128) (local $p1 v128) (local $p2 v128) (local $p3 v128) (local $c v128) (local $f v128)
    ;;#plain
    (local $all v128) (local $alh v128) (local $ahl v128) (local $ahh v128) (local $wl v128) (local $wh v128)
    ;;#end
    (local.set $mask (i8x16.splat (i32.const 15)))
    (local.set $rb (i32.shl (local.get $kb) (i32.const 4)))
    (local.set $rb2 (i32.shl (local.get $rb) (i32.const 1)))
    (local.set $rb3 (i32.add (local.get $rb2) (local.get $rb)))
    (local.set $g (local.get $g0))
    (local.set $pn (i32.add (local.get $nib) (i32.shl (i32.mul (local.get $g0) (local.get $kb)) (i32.const 6))))
    (local.set $ps (i32.add (local.get $scl) (i32.shl (i32.mul (local.get $g0) (local.get $kb)) (i32.const 4))))
    (local.set $pz (i32.add (local.get $zp) (i32.shl (i32.mul (local.get $g0) (local.get $kb)) (i32.const 2))))
    (block $gdone (loop $groups
      (br_if $gdone (i32.ge_u (local.get $g) (local.get $g1)))
      (local.set $acc (v128.const i32x4 0 0 0 0))
      (local.set $b (i32.const 0))
      (local.set $pa (local.get $xq))
      (local.set $pxs (local.get $xs))
      (local.set $pxsum (local.get $xsum))
      (block $bdone (loop $blocks
        (br_if $bdone (i32.ge_u (local.get $b) (local.get $kb)))
        (local.set $alo (v128.load (local.get $pa)))
        (local.set $ahi (v128.load offset=16 (local.get $pa)))
        ;;#relaxed
        (local.set $w (v128.load (local.get $pn)))
        (local.set $p0 (i16x8.add
          (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $alo) (v128.and (local.get $w) (local.get $mask)))
          (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $ahi)
            (v128.and (i16x8.shr_u (local.get $w) (i32.const 4)) (local.get $mask)))))
        (local.set $w (v128.load (i32.add (local.get $pn) (local.get $rb))))
        (local.set $p1 (i16x8.add
          (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $alo) (v128.and (local.get $w) (local.get $mask)))
          (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $ahi)
            (v128.and (i16x8.shr_u (local.get $w) (i32.const 4)) (local.get $mask)))))
        (local.set $w (v128.load (i32.add (local.get $pn) (local.get $rb2))))
        (local.set $p2 (i16x8.add
          (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $alo) (v128.and (local.get $w) (local.get $mask)))
          (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $ahi)
            (v128.and (i16x8.shr_u (local.get $w) (i32.const 4)) (local.get $mask)))))
        (local.set $w (v128.load (i32.add (local.get $pn) (local.get $rb3))))
        (local.set $p3 (i16x8.add
          (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $alo) (v128.and (local.get $w) (local.get $mask)))
          (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $ahi)
            (v128.and (i16x8.shr_u (local.get $w) (i32.const 4)) (local.get $mask)))))
        (local.set $c (i32x4.extadd_pairwise_i16x8_s (i16x8.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $p0) (local.get $p1))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $p0) (local.get $p1)))))
        (local.set $f (i32x4.extadd_pairwise_i16x8_s (i16x8.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $p2) (local.get $p3))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $p2) (local.get $p3)))))
        ;;#end
        ;;#plain
        (local.set $all (i16x8.extend_low_i8x16_s (local.get $alo)))
        (local.set $alh (i16x8.extend_high_i8x16_s (local.get $alo)))
        (local.set $ahl (i16x8.extend_low_i8x16_s (local.get $ahi)))
        (local.set $ahh (i16x8.extend_high_i8x16_s (local.get $ahi)))
        (local.set $w (v128.load (local.get $pn)))
        (local.set $wl (v128.and (local.get $w) (local.get $mask)))
        (local.set $wh (v128.and (i16x8.shr_u (local.get $w) (i32.const 4)) (local.get $mask)))
        (local.set $p0 (i32x4.add (i32x4.add
            (i32x4.dot_i16x8_s (local.get $all) (i16x8.extend_low_i8x16_u (local.get $wl)))
            (i32x4.dot_i16x8_s (local.get $alh) (i16x8.extend_high_i8x16_u (local.get $wl))))
          (i32x4.add
            (i32x4.dot_i16x8_s (local.get $ahl) (i16x8.extend_low_i8x16_u (local.get $wh)))
            (i32x4.dot_i16x8_s (local.get $ahh) (i16x8.extend_high_i8x16_u (local.get $wh))))))
        (local.set $w (v128.load (i32.add (local.get $pn) (local.get $rb))))
        (local.set $wl (v128.and (local.get $w) (local.get $mask)))
        (local.set $wh (v128.and (i16x8.shr_u (local.get $w) (i32.const 4)) (local.get $mask)))
        (local.set $p1 (i32x4.add (i32x4.add
            (i32x4.dot_i16x8_s (local.get $all) (i16x8.extend_low_i8x16_u (local.get $wl)))
            (i32x4.dot_i16x8_s (local.get $alh) (i16x8.extend_high_i8x16_u (local.get $wl))))
          (i32x4.add
            (i32x4.dot_i16x8_s (local.get $ahl) (i16x8.extend_low_i8x16_u (local.get $wh)))
            (i32x4.dot_i16x8_s (local.get $ahh) (i16x8.extend_high_i8x16_u (local.get $wh))))))
        (local.set $w (v128.load (i32.add (local.get $pn) (local.get $rb2))))
        (local.set $wl (v128.and (local.get $w) (local.get $mask)))
        (local.set $wh (v128.and (i16x8.shr_u (local.get $w) (i32.const 4)) (local.get $mask)))
        (local.set $p2 (i32x4.add (i32x4.add
            (i32x4.dot_i16x8_s (local.get $all) (i16x8.extend_low_i8x16_u (local.get $wl)))
            (i32x4.dot_i16x8_s (local.get $alh) (i16x8.extend_high_i8x16_u (local.get $wl))))
          (i32x4.add
            (i32x4.dot_i16x8_s (local.get $ahl) (i16x8.extend_low_i8x16_u (local.get $wh)))
            (i32x4.dot_i16x8_s (local.get $ahh) (i16x8.extend_high_i8x16_u (local.get $wh))))))
        (local.set $w (v128.load (i32.add (local.get $pn) (local.get $rb3))))
        (local.set $wl (v128.and (local.get $w) (local.get $mask)))
        (local.set $wh (v128.and (i16x8.shr_u (local.get $w) (i32.const 4)) (local.get $mask)))
        (local.set $p3 (i32x4.add (i32x4.add
            (i32x4.dot_i16x8_s (local.get $all) (i16x8.extend_low_i8x16_u (local.get $wl)))
            (i32x4.dot_i16x8_s (local.get $alh) (i16x8.extend_high_i8x16_u (local.get $wl))))
          (i32x4.add
            (i32x4.dot_i16x8_s (local.get $ahl) (i16x8.extend_low_i8x16_u (local.get $wh)))
            (i32x4.dot_i16x8_s (local.get $ahh) (i16x8.extend_high_i8x16_u (local.get $wh))))))
        (local.set $c (i32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $p0) (local.get $p1))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $p0) (local.get $p1))))
        (local.set $f (i32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $p2) (local.get $p3))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $p2) (local.get $p3))))
        ;;#end
        (local.set $tot (i32x4.add
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $c) (local.get $f))
          (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $c) (local.get $f))))
        (local.set $tot (i32x4.sub (local.get $tot)
          (i32x4.mul
            (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $pz))))
            (v128.load32_splat (local.get $pxsum)))))
        (local.set $acc (f32x4.add (local.get $acc)
          (f32x4.mul (f32x4.convert_i32x4_s (local.get $tot))
            (f32x4.mul (v128.load (local.get $ps))
              (v128.load32_splat (local.get $pxs))))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
        (local.set $pxs (i32.add (local.get $pxs) (i32.const 4)))
        (local.set $pxsum (i32.add (local.get $pxsum) (i32.const 4)))
        (local.set $pn (i32.add (local.get $pn) (i32.const 16)))
        (local.set $ps (i32.add (local.get $ps) (i32.const 16)))
        (local.set $pz (i32.add (local.get $pz) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $g) (i32.const 4))) (local.get $acc))
      (local.set $pn (i32.add (local.get $pn) (local.get $rb3)))
      (local.set $g (i32.add (local.get $g) (i32.const 1)))
      (br $groups))))

  ;; Quantises `blocks` consecutive blocks of 32 floats (rows of K floats are consecutive blocks):
  ;; d = amax / 127, q = round_half_even(x * (1 / d)) (all zeros when amax is 0).
  (func $quantize_q8 (export "quantize_q8")
    (param $x i32) (param $blocks i32) (param $xq i32) (param $xs i32) (param $xsum i32)
    (local $j i32) (local $m v128) (local $amax f32) (local $d f32) (local $inv v128)
    (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128)
    (local $q4 v128) (local $q5 v128) (local $q6 v128) (local $q7 v128) (local $sum v128) (local $lo v128) (local $hi v128)
    (block $done (loop $blocks_loop
      (br_if $done (i32.ge_u (local.get $j) (local.get $blocks)))
      (local.set $m (f32x4.max
        (f32x4.max
          (f32x4.max (f32x4.abs (v128.load (local.get $x))) (f32x4.abs (v128.load offset=16 (local.get $x))))
          (f32x4.max (f32x4.abs (v128.load offset=32 (local.get $x))) (f32x4.abs (v128.load offset=48 (local.get $x)))))
        (f32x4.max
          (f32x4.max (f32x4.abs (v128.load offset=64 (local.get $x))) (f32x4.abs (v128.load offset=80 (local.get $x))))
          (f32x4.max (f32x4.abs (v128.load offset=96 (local.get $x))) (f32x4.abs (v128.load offset=112 (local.get $x)))))))
      (local.set $amax (f32.max
        (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
        (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))
      (local.set $d (f32.div (local.get $amax) (f32.const 127)))
      (local.set $inv (f32x4.splat
        (select (f32.div (f32.const 1) (local.get $d)) (f32.const 0) (f32.gt (local.get $amax) (f32.const 0)))))
      (local.set $q0 (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (v128.load (local.get $x)) (local.get $inv)))))
      (local.set $q1 (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (v128.load offset=16 (local.get $x)) (local.get $inv)))))
      (local.set $q2 (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (v128.load offset=32 (local.get $x)) (local.get $inv)))))
      (local.set $q3 (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (v128.load offset=48 (local.get $x)) (local.get $inv)))))
      (local.set $q4 (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (v128.load offset=64 (local.get $x)) (local.get $inv)))))
      (local.set $q5 (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (v128.load offset=80 (local.get $x)) (local.get $inv)))))
      (local.set $q6 (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (v128.load offset=96 (local.get $x)) (local.get $inv)))))
      (local.set $q7 (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (v128.load offset=112 (local.get $x)) (local.get $inv)))))
      ;; elements 0..15 and 16..31 as bytes, stored as the even elements then the odd ones
      (local.set $lo (i8x16.narrow_i16x8_s
        (i16x8.narrow_i32x4_s (local.get $q0) (local.get $q1)) (i16x8.narrow_i32x4_s (local.get $q2) (local.get $q3))))
      (local.set $hi (i8x16.narrow_i16x8_s
        (i16x8.narrow_i32x4_s (local.get $q4) (local.get $q5)) (i16x8.narrow_i32x4_s (local.get $q6) (local.get $q7))))
      (v128.store (local.get $xq)
        (i8x16.shuffle 0 2 4 6 8 10 12 14 16 18 20 22 24 26 28 30 (local.get $lo) (local.get $hi)))
      (v128.store offset=16 (local.get $xq)
        (i8x16.shuffle 1 3 5 7 9 11 13 15 17 19 21 23 25 27 29 31 (local.get $lo) (local.get $hi)))
      (local.set $sum (i32x4.add
        (i32x4.add (i32x4.add (local.get $q0) (local.get $q1)) (i32x4.add (local.get $q2) (local.get $q3)))
        (i32x4.add (i32x4.add (local.get $q4) (local.get $q5)) (i32x4.add (local.get $q6) (local.get $q7)))))
      (i32.store (local.get $xsum) (i32.add
        (i32.add (i32x4.extract_lane 0 (local.get $sum)) (i32x4.extract_lane 1 (local.get $sum)))
        (i32.add (i32x4.extract_lane 2 (local.get $sum)) (i32x4.extract_lane 3 (local.get $sum)))))
      (f32.store (local.get $xs) (local.get $d))
      (local.set $x (i32.add (local.get $x) (i32.const 128)))
      (local.set $xq (i32.add (local.get $xq) (i32.const 32)))
      (local.set $xs (i32.add (local.get $xs) (i32.const 4)))
      (local.set $xsum (i32.add (local.get $xsum) (i32.const 4)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $blocks_loop))))

  ;; Sum of the four lanes, ((l0 + l1) + (l2 + l3)).
  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; out[r] = w * (x[r] * (1 / sqrt(mean(x[r]^2) + eps))) for `rows` rows of n floats (n % 4 == 0).
  (func $rmsnorm (export "rmsnorm") (param $x i32) (param $w i32) (param $out i32) (param $n i32) (param $rows i32) (param $eps f32)
    (local $r i32) (local $i i32) (local $bytes i32) (local $acc v128) (local $v v128) (local $scale v128)
    (local.set $bytes (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $rows_loop
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $acc (v128.const i32x4 0 0 0 0))
      (local.set $i (i32.const 0))
      (block $sdone (loop $sum
        (br_if $sdone (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $v (v128.load (i32.add (local.get $x) (local.get $i))))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $v) (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $sum)))
      (local.set $scale (f32x4.splat (f32.div (f32.const 1)
        (f32.sqrt (f32.add (f32.div (call $hsum (local.get $acc)) (f32.convert_i32_u (local.get $n))) (local.get $eps))))))
      (local.set $i (i32.const 0))
      (block $ndone (loop $norm
        (br_if $ndone (i32.ge_u (local.get $i) (local.get $bytes)))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.mul (v128.load (i32.add (local.get $w) (local.get $i)))
            (f32x4.mul (v128.load (i32.add (local.get $x) (local.get $i))) (local.get $scale))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $norm)))
      (local.set $x (i32.add (local.get $x) (local.get $bytes)))
      (local.set $out (i32.add (local.get $out) (local.get $bytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows_loop))))

  ;; Rotary embedding in place (the rotate_half convention): x [rows, heads, hd]; cos, sin [rows, hd / 2].
  ;; For i < hd / 2: (a, b) = (x[i], x[i + hd/2]) -> (a * c - b * s, b * c + a * s).
  (func $rope (export "rope") (param $x i32) (param $rows i32) (param $heads i32) (param $hd i32) (param $cos i32) (param $sin i32)
    (local $r i32) (local $h i32) (local $i i32) (local $half i32) (local $p i32)
    (local $a v128) (local $b v128) (local $c v128) (local $s v128)
    (local.set $half (i32.shl (local.get $hd) (i32.const 1))) ;; bytes of half a head
    (block $done (loop $rows_loop
      (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $h (i32.const 0))
      (block $hdone (loop $heads_loop
        (br_if $hdone (i32.ge_u (local.get $h) (local.get $heads)))
        (local.set $i (i32.const 0))
        (block $idone (loop $pairs
          (br_if $idone (i32.ge_u (local.get $i) (local.get $half)))
          (local.set $p (i32.add (local.get $x) (local.get $i)))
          (local.set $a (v128.load (local.get $p)))
          (local.set $b (v128.load (i32.add (local.get $p) (local.get $half))))
          (local.set $c (v128.load (i32.add (local.get $cos) (local.get $i))))
          (local.set $s (v128.load (i32.add (local.get $sin) (local.get $i))))
          (v128.store (local.get $p)
            (f32x4.sub (f32x4.mul (local.get $a) (local.get $c)) (f32x4.mul (local.get $b) (local.get $s))))
          (v128.store (i32.add (local.get $p) (local.get $half))
            (f32x4.add (f32x4.mul (local.get $b) (local.get $c)) (f32x4.mul (local.get $a) (local.get $s))))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $pairs)))
        (local.set $x (i32.add (local.get $x) (i32.shl (local.get $hd) (i32.const 2))))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br $heads_loop)))
      (local.set $cos (i32.add (local.get $cos) (local.get $half)))
      (local.set $sin (i32.add (local.get $sin) (local.get $half)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows_loop))))

  ;; e^x for four lanes (Cephes expf: x = n ln2 + r, |r| <= ln2 / 2, a degree-6 polynomial in r, times 2^n);
  ;; relative error about 1e-7. x is clamped to [-87.3, 88.7] (e^-87.3 is near the smallest normal float).
  (func $exp4 (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $r2 v128) (local $p v128)
    (local.set $x (f32x4.min (f32x4.max (local.get $x) (v128.const f32x4 -87.3 -87.3 -87.3 -87.3))
      (v128.const f32x4 88.7 88.7 88.7 88.7)))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))))
    (local.set $r (f32x4.sub
      (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
      (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $r2 (f32x4.mul (local.get $r) (local.get $r)))
    (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (local.get $p) (local.get $r2)) (local.get $r))
      (v128.const f32x4 1 1 1 1)))
    ;; 2^n as float bits: (n + 127) << 23, split in two factors so that n = 128 stays finite
    (local.set $n (i32x4.trunc_sat_f32x4_s (local.get $n)))
    (f32x4.mul
      (f32x4.mul (local.get $p)
        (i32x4.shl (i32x4.add (i32x4.shr_s (local.get $n) (i32.const 1)) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
      (i32x4.shl (i32x4.add (i32x4.sub (local.get $n) (i32x4.shr_s (local.get $n) (i32.const 1)))
        (v128.const i32x4 127 127 127 127)) (i32.const 23))))

  ;; g[i] = (g[i] * (1 / (1 + e^-g[i]))) * u[i], n % 4 == 0 (SiLU(gate) * up).
  (func $silu_mul (export "silu_mul") (param $g i32) (param $u i32) (param $n i32)
    (local $end i32) (local $v v128)
    (local.set $end (i32.add (local.get $g) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $g) (local.get $end)))
      (local.set $v (v128.load (local.get $g)))
      (v128.store (local.get $g)
        (f32x4.mul
          (f32x4.mul (local.get $v)
            (f32x4.div (v128.const f32x4 1 1 1 1)
              (f32x4.add (v128.const f32x4 1 1 1 1) (call $exp4 (f32x4.neg (local.get $v))))))
          (v128.load (local.get $u))))
      (local.set $g (i32.add (local.get $g) (i32.const 16)))
      (local.set $u (i32.add (local.get $u) (i32.const 16)))
      (br $each))))

  ;; x[i] += y[i], n % 4 == 0.
  (func $add (export "add") (param $x i32) (param $y i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (v128.store (local.get $x) (f32x4.add (v128.load (local.get $x)) (v128.load (local.get $y))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (br $each))))

  ;; out[s, n] (+)= sum_k x[s, k] * w[k, n] for n0 <= n < n1 (k ascending); w is [K, N] row-major.
  ;; Four columns at a time, then one by one. `accumulate` 0 overwrites.
  (func $f32_matmul (export "f32_matmul")
    (param $x i32) (param $s i32) (param $k i32) (param $w i32) (param $n i32) (param $n0 i32) (param $n1 i32)
    (param $out i32) (param $accumulate i32)
    (local $t i32) (local $col i32) (local $kk i32) (local $pw i32) (local $px i32) (local $po i32)
    (local $acc v128) (local $a f32) (local $wrow i32)
    (local.set $wrow (i32.shl (local.get $n) (i32.const 2)))
    (block $tdone (loop $tokens
      (br_if $tdone (i32.ge_u (local.get $t) (local.get $s)))
      (local.set $col (local.get $n0))
      (block $vdone (loop $vcols
        (br_if $vdone (i32.gt_u (i32.add (local.get $col) (i32.const 4)) (local.get $n1)))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $px (i32.add (local.get $x) (i32.shl (i32.mul (local.get $t) (local.get $k)) (i32.const 2))))
        (local.set $pw (i32.add (local.get $w) (i32.shl (local.get $col) (i32.const 2))))
        (local.set $kk (i32.const 0))
        (block $kdone (loop $ks
          (br_if $kdone (i32.ge_u (local.get $kk) (local.get $k)))
          (local.set $acc (f32x4.add (local.get $acc)
            (f32x4.mul (v128.load32_splat (local.get $px)) (v128.load (local.get $pw)))))
          (local.set $px (i32.add (local.get $px) (i32.const 4)))
          (local.set $pw (i32.add (local.get $pw) (local.get $wrow)))
          (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
          (br $ks)))
        (local.set $po (i32.add (local.get $out)
          (i32.shl (i32.add (i32.mul (local.get $t) (local.get $n)) (local.get $col)) (i32.const 2))))
        (if (local.get $accumulate)
          (then (local.set $acc (f32x4.add (v128.load (local.get $po)) (local.get $acc)))))
        (v128.store (local.get $po) (local.get $acc))
        (local.set $col (i32.add (local.get $col) (i32.const 4)))
        (br $vcols)))
      (block $sdone (loop $scols
        (br_if $sdone (i32.ge_u (local.get $col) (local.get $n1)))
        (local.set $a (f32.const 0))
        (local.set $px (i32.add (local.get $x) (i32.shl (i32.mul (local.get $t) (local.get $k)) (i32.const 2))))
        (local.set $pw (i32.add (local.get $w) (i32.shl (local.get $col) (i32.const 2))))
        (local.set $kk (i32.const 0))
        (block $kdone2 (loop $ks2
          (br_if $kdone2 (i32.ge_u (local.get $kk) (local.get $k)))
          (local.set $a (f32.add (local.get $a) (f32.mul (f32.load (local.get $px)) (f32.load (local.get $pw)))))
          (local.set $px (i32.add (local.get $px) (i32.const 4)))
          (local.set $pw (i32.add (local.get $pw) (local.get $wrow)))
          (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
          (br $ks2)))
        (local.set $po (i32.add (local.get $out)
          (i32.shl (i32.add (i32.mul (local.get $t) (local.get $n)) (local.get $col)) (i32.const 2))))
        (if (local.get $accumulate)
          (then (local.set $a (f32.add (f32.load (local.get $po)) (local.get $a)))))
        (f32.store (local.get $po) (local.get $a))
        (local.set $col (i32.add (local.get $col) (i32.const 1)))
        (br $scols)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $tokens))))

  ;; Attention of `rep` query heads (q [rep, hd], hd % 16 == 0) sharing one KV head, over positions
  ;; 0 <= p < t, the KV cache in pages of 64 positions: page p / 64 starts at the i32 at kpages + 4 * (p / 64)
  ;; (vpages alike), and this head's rows sit `head` bytes into each page, one row of hd floats a position.
  ;; scores [rep, t] is scratch; out [rep, hd]. Softmax as PyTorch writes it: e = exp(s - max), p = e / sum(e).
  (func $attend (export "attend")
    (param $q i32) (param $rep i32) (param $hd i32) (param $kpages i32) (param $vpages i32) (param $head i32)
    (param $t i32) (param $scale f32) (param $scores i32) (param $out i32)
    (local $r i32) (local $p i32) (local $i i32) (local $row i32) (local $pk i32) (local $pq i32) (local $ps i32)
    (local $bytes i32) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $mx f32) (local $sum v128) (local $e v128) (local $inv v128) (local $w v128) (local $end i32) (local $tail i32)
    (local $pk1 i32) (local $pk2 i32) (local $pk3 i32) (local $qv v128) (local $pw i32) (local $pageEnd i32)
    (local.set $bytes (i32.shl (local.get $hd) (i32.const 2)))
    ;; scores[r, p] = (q_r . k_p) * scale: four positions at a time (p % 4 == 0, so all four sit in one
    ;; page), each q chunk loaded once for the four, the four sums reduced to one vector
    (local.set $p (i32.const 0))
    (block $bdone (loop $fours
      (br_if $bdone (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $t)))
      (local.set $pk (i32.add (i32.add (i32.load (i32.add (local.get $kpages) (i32.shl (i32.shr_u (local.get $p) (i32.const 6)) (i32.const 2))))
        (local.get $head)) (i32.mul (i32.and (local.get $p) (i32.const 63)) (local.get $bytes))))
      (local.set $pk1 (i32.add (local.get $pk) (local.get $bytes)))
      (local.set $pk2 (i32.add (local.get $pk1) (local.get $bytes)))
      (local.set $pk3 (i32.add (local.get $pk2) (local.get $bytes)))
      (local.set $r (i32.const 0))
      (block $r4done (loop $heads4
        (br_if $r4done (i32.ge_u (local.get $r) (local.get $rep)))
        (local.set $pq (i32.add (local.get $q) (i32.mul (local.get $r) (local.get $bytes))))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (block $i4done (loop $dims4
          (br_if $i4done (i32.ge_u (local.get $i) (local.get $bytes)))
          (local.set $qv (v128.load (i32.add (local.get $pq) (local.get $i))))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $pk) (local.get $i))))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $pk1) (local.get $i))))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $pk2) (local.get $i))))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $pk3) (local.get $i))))))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $dims4)))
        ;; [a0 lanes 0+2, 1+3, a1 lanes 0+2, 1+3], the same for a2, a3, then the four totals
        (local.set $a0 (f32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $a1))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a0) (local.get $a1))))
        (local.set $a2 (f32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a2) (local.get $a3))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a2) (local.get $a3))))
        (v128.store
          (i32.add (local.get $scores) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $t)) (local.get $p)) (i32.const 2)))
          (f32x4.mul (f32x4.splat (local.get $scale)) (f32x4.add
            (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a2))
            (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a2)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $heads4)))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $fours)))
    ;; the last t % 4 positions one by one
    (block $pdone (loop $positions
      (br_if $pdone (i32.ge_u (local.get $p) (local.get $t)))
      (local.set $pk (i32.add (i32.add (i32.load (i32.add (local.get $kpages) (i32.shl (i32.shr_u (local.get $p) (i32.const 6)) (i32.const 2))))
        (local.get $head)) (i32.mul (i32.and (local.get $p) (i32.const 63)) (local.get $bytes))))
      (local.set $r (i32.const 0))
      (block $rdone (loop $heads
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rep)))
        (local.set $pq (i32.add (local.get $q) (i32.mul (local.get $r) (local.get $bytes))))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (block $idone (loop $dims
          (br_if $idone (i32.ge_u (local.get $i) (local.get $bytes)))
          (local.set $row (i32.add (local.get $pk) (local.get $i)))
          (local.set $ps (i32.add (local.get $pq) (local.get $i)))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $ps)) (v128.load (local.get $row)))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $ps)) (v128.load offset=16 (local.get $row)))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $ps)) (v128.load offset=32 (local.get $row)))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $ps)) (v128.load offset=48 (local.get $row)))))
          (local.set $i (i32.add (local.get $i) (i32.const 64)))
          (br $dims)))
        (f32.store
          (i32.add (local.get $scores) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $t)) (local.get $p)) (i32.const 2)))
          (f32.mul (call $hsum (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
            (local.get $scale)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $heads)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $positions)))
    ;; softmax of each row of scores, in place
    (local.set $tail (i32.and (local.get $t) (i32.const 3)))
    (local.set $r (i32.const 0))
    (block $sdone (loop $softmax
      (br_if $sdone (i32.ge_u (local.get $r) (local.get $rep)))
      (local.set $ps (i32.add (local.get $scores) (i32.shl (i32.mul (local.get $r) (local.get $t)) (i32.const 2))))
      (local.set $end (i32.add (local.get $ps) (i32.shl (local.get $t) (i32.const 2))))
      (local.set $mx (f32.const -inf))
      (local.set $pk (local.get $ps))
      (local.set $e (v128.const f32x4 -inf -inf -inf -inf))
      (block $m4done (loop $max4
        (br_if $m4done (i32.gt_u (i32.add (local.get $pk) (i32.const 16)) (local.get $end)))
        (local.set $e (f32x4.max (local.get $e) (v128.load (local.get $pk))))
        (local.set $pk (i32.add (local.get $pk) (i32.const 16)))
        (br $max4)))
      (local.set $mx (f32.max
        (f32.max (f32x4.extract_lane 0 (local.get $e)) (f32x4.extract_lane 1 (local.get $e)))
        (f32.max (f32x4.extract_lane 2 (local.get $e)) (f32x4.extract_lane 3 (local.get $e)))))
      (block $mdone (loop $max
        (br_if $mdone (i32.ge_u (local.get $pk) (local.get $end)))
        (local.set $mx (f32.max (local.get $mx) (f32.load (local.get $pk))))
        (local.set $pk (i32.add (local.get $pk) (i32.const 4)))
        (br $max)))
      (local.set $sum (v128.const i32x4 0 0 0 0))
      (local.set $pk (local.get $ps))
      (block $edone (loop $exps
        (br_if $edone (i32.gt_u (i32.add (local.get $pk) (i32.const 16)) (local.get $end)))
        (local.set $e (call $exp4 (f32x4.sub (v128.load (local.get $pk)) (f32x4.splat (local.get $mx)))))
        (v128.store (local.get $pk) (local.get $e))
        (local.set $sum (f32x4.add (local.get $sum) (local.get $e)))
        (local.set $pk (i32.add (local.get $pk) (i32.const 16)))
        (br $exps)))
      ;; the last t % 4 scores, lane by lane (lanes past the end are not read back into the sum)
      (block $tdone (loop $tails
        (br_if $tdone (i32.ge_u (local.get $pk) (local.get $end)))
        (local.set $e (call $exp4 (f32x4.splat (f32.sub (f32.load (local.get $pk)) (local.get $mx)))))
        (f32.store (local.get $pk) (f32x4.extract_lane 0 (local.get $e)))
        (local.set $sum (f32x4.replace_lane 0 (local.get $sum)
          (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 0 (local.get $e)))))
        (local.set $pk (i32.add (local.get $pk) (i32.const 4)))
        (br $tails)))
      (local.set $inv (f32x4.splat (call $hsum (local.get $sum))))
      (local.set $pk (local.get $ps))
      (block $n4done (loop $norm4
        (br_if $n4done (i32.gt_u (i32.add (local.get $pk) (i32.const 16)) (local.get $end)))
        (v128.store (local.get $pk) (f32x4.div (v128.load (local.get $pk)) (local.get $inv)))
        (local.set $pk (i32.add (local.get $pk) (i32.const 16)))
        (br $norm4)))
      (block $ndone (loop $norm
        (br_if $ndone (i32.ge_u (local.get $pk) (local.get $end)))
        (f32.store (local.get $pk) (f32.div (f32.load (local.get $pk)) (f32x4.extract_lane 0 (local.get $inv))))
        (local.set $pk (i32.add (local.get $pk) (i32.const 4)))
        (br $norm)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $softmax)))
    ;; out[r] = sum_p probs[r, p] * v_p, 16 dimensions at a time
    (local.set $r (i32.const 0))
    (block $odone (loop $outs
      (br_if $odone (i32.ge_u (local.get $r) (local.get $rep)))
      (local.set $ps (i32.add (local.get $scores) (i32.shl (i32.mul (local.get $r) (local.get $t)) (i32.const 2))))
      (local.set $i (i32.const 0))
      (block $cdone (loop $chunks
        (br_if $cdone (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        ;; page by page: within a page the rows of one head are `bytes` apart
        (local.set $p (i32.const 0))
        (local.set $pw (local.get $ps))
        (block $vdone (loop $pages
          (br_if $vdone (i32.ge_u (local.get $p) (local.get $t)))
          (local.set $row (i32.add (i32.add (i32.load (i32.add (local.get $vpages) (i32.shl (i32.shr_u (local.get $p) (i32.const 6)) (i32.const 2))))
            (local.get $head)) (local.get $i)))
          (local.set $pageEnd (i32.add (local.get $pw) (i32.shl
            (select (i32.const 64) (i32.sub (local.get $t) (local.get $p)) (i32.lt_u (i32.const 64) (i32.sub (local.get $t) (local.get $p))))
            (i32.const 2))))
          (local.set $p (i32.add (local.get $p) (i32.const 64)))
          (block $rowsdone (loop $rows
            (br_if $rowsdone (i32.ge_u (local.get $pw) (local.get $pageEnd)))
            (local.set $w (v128.load32_splat (local.get $pw)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $w) (v128.load (local.get $row)))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $w) (v128.load offset=16 (local.get $row)))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $w) (v128.load offset=32 (local.get $row)))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $w) (v128.load offset=48 (local.get $row)))))
            (local.set $row (i32.add (local.get $row) (local.get $bytes)))
            (local.set $pw (i32.add (local.get $pw) (i32.const 4)))
            (br $rows)))
          (br $pages)))
        (local.set $row (i32.add (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $bytes))) (local.get $i)))
        (v128.store (local.get $row) (local.get $a0))
        (v128.store offset=16 (local.get $row) (local.get $a1))
        (v128.store offset=32 (local.get $row) (local.get $a2))
        (v128.store offset=48 (local.get $row) (local.get $a3))
        (local.set $i (i32.add (local.get $i) (i32.const 64)))
        (br $chunks)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $outs))))
)
