// The two-stage lookup table both class generators emit: flags[cp] for
// every code point, stored as stage 1 (one block number per 256 code
// points) and stage 2 (the distinct 256-entry blocks), so that
// stage2[stage1[cp >> 8] * 256 + (cp & 255)] == flags[cp].
//
// Returns the C++ lines declaring the two arrays as `name1` and `name2`,
// stage 2 with element type `type2` and `perLine` values to a line.
export function twoStageTable(flags, { name1, name2, type2, perLine }) {
  const blocks = new Map();
  const stage1 = [];
  const stage2 = [];
  for (let hi = 0; hi < 0x1100; ++hi) {
    const block = flags.subarray(hi * 256, hi * 256 + 256);
    const key = block.join(",");
    if (!blocks.has(key)) {
      blocks.set(key, blocks.size);
      stage2.push(block);
    }
    stage1.push(blocks.get(key));
  }
  const out = [];
  out.push(`constexpr uint16_t ${name1}[${stage1.length}] = {`);
  for (let i = 0; i < stage1.length; i += 24) out.push("  " + stage1.slice(i, i + 24).join(",") + ",");
  out.push("};");
  out.push(`constexpr ${type2} ${name2}[${stage2.length * 256}] = {`);
  for (const block of stage2)
    for (let i = 0; i < 256; i += perLine) out.push("  " + Array.from(block.subarray(i, i + perLine)).join(",") + ",");
  out.push("};");
  return out;
}
