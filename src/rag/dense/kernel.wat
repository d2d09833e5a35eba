;; Dense scoring kernels for Hearth's vector index (WebAssembly SIMD, 128-bit).
;; Rows are stored row-major and padded so that `dim` is a multiple of 16.
;; Both kernels write one f32 score per row: out[r] = scale[r] * dot(query, row[r]).
(module
  (import "env" "memory" (memory 1 65536))

  ;; int8 rows; the query is given as i16 (sign-extended int8) so each 16-byte row load
  ;; meets two 16-byte query loads with no per-row widening of the query.
  ;; q: [dim] i16, rows: [n, dim] i8, scales: [n] f32, out: [n] f32
  (func (export "score_i8")
    (param $q i32) (param $rows i32) (param $scales i32) (param $n i32) (param $dim i32) (param $out i32)
    (local $r i32) (local $d i32) (local $row i32) (local $qp i32)
    (local $acc0 v128) (local $acc1 v128) (local $v v128)
    (local.set $row (local.get $rows))
    (block $done
      (loop $rows_loop
        (br_if $done (i32.ge_u (local.get $r) (local.get $n)))
        (local.set $acc0 (v128.const i32x4 0 0 0 0))
        (local.set $acc1 (v128.const i32x4 0 0 0 0))
        (local.set $d (i32.const 0))
        (local.set $qp (local.get $q))
        (loop $dim_loop
          (local.set $v (v128.load (i32.add (local.get $row) (local.get $d))))
          (local.set $acc0
            (i32x4.add (local.get $acc0)
              (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $v)) (v128.load (local.get $qp)))))
          (local.set $acc1
            (i32x4.add (local.get $acc1)
              (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $v)) (v128.load offset=16 (local.get $qp)))))
          (local.set $qp (i32.add (local.get $qp) (i32.const 32)))
          (local.set $d (i32.add (local.get $d) (i32.const 16)))
          (br_if $dim_loop (i32.lt_u (local.get $d) (local.get $dim))))
        (local.set $acc0 (i32x4.add (local.get $acc0) (local.get $acc1)))
        (f32.store
          (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
          (f32.mul
            (f32.load (i32.add (local.get $scales) (i32.shl (local.get $r) (i32.const 2))))
            (f32.convert_i32_s
              (i32.add
                (i32.add (i32x4.extract_lane 0 (local.get $acc0)) (i32x4.extract_lane 1 (local.get $acc0)))
                (i32.add (i32x4.extract_lane 2 (local.get $acc0)) (i32x4.extract_lane 3 (local.get $acc0)))))))
        (local.set $row (i32.add (local.get $row) (local.get $dim)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows_loop))))

  ;; f32 rows; scales are ignored (rows are already unit vectors), kept for one call shape.
  ;; q: [dim] f32, rows: [n, dim] f32, out: [n] f32
  (func (export "score_f32")
    (param $q i32) (param $rows i32) (param $n i32) (param $dim i32) (param $out i32)
    (local $r i32) (local $d i32) (local $row i32) (local $bytes i32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $p i32) (local $qp i32)
    (local.set $bytes (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $row (local.get $rows))
    (block $done
      (loop $rows_loop
        (br_if $done (i32.ge_u (local.get $r) (local.get $n)))
        (local.set $acc0 (v128.const f32x4 0 0 0 0))
        (local.set $acc1 (v128.const f32x4 0 0 0 0))
        (local.set $acc2 (v128.const f32x4 0 0 0 0))
        (local.set $acc3 (v128.const f32x4 0 0 0 0))
        (local.set $d (i32.const 0))
        (loop $dim_loop
          (local.set $p (i32.add (local.get $row) (local.get $d)))
          (local.set $qp (i32.add (local.get $q) (local.get $d)))
          (local.set $acc0 (f32x4.add (local.get $acc0)
            (f32x4.mul (v128.load (local.get $p)) (v128.load (local.get $qp)))))
          (local.set $acc1 (f32x4.add (local.get $acc1)
            (f32x4.mul (v128.load offset=16 (local.get $p)) (v128.load offset=16 (local.get $qp)))))
          (local.set $acc2 (f32x4.add (local.get $acc2)
            (f32x4.mul (v128.load offset=32 (local.get $p)) (v128.load offset=32 (local.get $qp)))))
          (local.set $acc3 (f32x4.add (local.get $acc3)
            (f32x4.mul (v128.load offset=48 (local.get $p)) (v128.load offset=48 (local.get $qp)))))
          (local.set $d (i32.add (local.get $d) (i32.const 64)))
          (br_if $dim_loop (i32.lt_u (local.get $d) (local.get $bytes))))
        (local.set $acc0 (f32x4.add (f32x4.add (local.get $acc0) (local.get $acc1))
                                    (f32x4.add (local.get $acc2) (local.get $acc3))))
        (f32.store
          (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2)))
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 1 (local.get $acc0)))
            (f32.add (f32x4.extract_lane 2 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0)))))
        (local.set $row (i32.add (local.get $row) (local.get $bytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows_loop)))))
