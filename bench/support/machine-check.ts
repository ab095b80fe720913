/**
 * How fast this machine is right now, by a fixed piece of work that does not depend on the
 * project's code: JSON.parse and JSON.stringify of one fixed 2 KB document with Vietnamese
 * text (about the size of a person as read), repeated after a warm-up. The shared
 * machine's speed moves by a factor of two within minutes; a bench prints this before and
 * after its stages, so two runs are compared only after scaling by it, and a run whose two
 * checks differ much was disturbed half-way.
 */
const DOCUMENT = JSON.stringify({
  doc: {
    id: 4711, ho_ten: 'NGUYỄN THỊ  HỒNG  NHUNG', ngay_sinh: '00/03/1978', gioi_tinh: 0, so_cccd: '001178012345',
    noi_sinh: 'Xã Tân Phú, huyện Đồng Phú, tỉnh Bình Phước', que_quan: 'Phường Hương Sơ, TP Huế, Thừa Thiên Huế',
    noi_o_hien_nay: 'Số 12 ngõ 34 phố Hàng Bạc, Hoàn Kiếm, Hà Nội', ton_giao: 'Phật', he_so_luong: 3.66,
    trinh_do_chuyen_mon: 'Thạc sỹ Quản lý công', ly_luan_chinh_tri: 'Trung cấp', trang_thai: 'DANG_LAM',
  },
  qua_trinh_cong_tac: Array.from({ length: 4 }, (_, i) => ({ tu_ngay: `0${i + 1}/20${10 + i}`, den_ngay: `12/20${11 + i}`, don_vi: 'Sở Nội vụ tỉnh Phú Thọ', chuc_vu: 'Chuyên viên chính' })),
  danh_gia: Array.from({ length: 5 }, (_, i) => ({ nam: 2019 + i, xep_loai: 'Hoàn thành tốt nhiệm vụ' })),
  quan_he_gia_dinh: Array.from({ length: 6 }, (_, i) => ({ quan_he: 'Con', ho_ten: `Trần Minh Đức ${i}`, nam_sinh: 2001 + i, thong_tin: 'Sinh viên Đại học Bách khoa Hà Nội' })),
  dao_tao: [{ tu_ngay: '09/1996', den_ngay: '06/2000', co_so: 'Học viện Hành chính Quốc gia', chuyen_nganh: 'Hành chính công', hinh_thuc: 'Chính quy', van_bang: 'Cử nhân' }],
});
const ROUNDS = 20_000;

/** Microseconds per JSON round trip of the fixed document: lower is a faster machine. */
export function machineCheckUs(): number {
  for (let i = 0; i < ROUNDS / 10; i += 1) JSON.stringify(JSON.parse(DOCUMENT));
  let length = 0;
  const started = performance.now();
  for (let i = 0; i < ROUNDS; i += 1) length += JSON.stringify(JSON.parse(DOCUMENT)).length;
  const us = ((performance.now() - started) * 1000) / ROUNDS;
  if (length !== ROUNDS * DOCUMENT.length) throw new Error('machine check: the round trip changed the document');
  return us;
}

export function machineCheckLine(when: string): string {
  return `machine check (${when}): ${machineCheckUs().toFixed(1)} µs per JSON round trip of a fixed ${(Buffer.byteLength(DOCUMENT) / 1024).toFixed(1)} KB document (lower is faster)`;
}
