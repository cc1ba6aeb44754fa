/**
 * Pixel-art billboards for TakeCover: the imp in its walking and attacking poses. Each sprite is
 * a grid of palette keys ('.' transparent), drawn stretched over the monster's world-space
 * bounding box (radius × height) and shaded by distance like the walls.
 */
export interface Sprite {
  width: number;
  height: number;
  /** RGB per cell, or null when transparent; row-major. */
  cells: (readonly [number, number, number] | null)[];
}

const IMP_PALETTE: Record<string, readonly [number, number, number]> = {
  d: [104, 52, 26], // dark hide
  b: [170, 92, 46], // hide
  l: [214, 160, 104], // chest
  r: [236, 52, 24], // eyes
  o: [255, 150, 40], // fireball in hand
  y: [255, 236, 140], // its hot core
};

const IMP_WALK = [
  '.....ddd.....',
  '....dbbbd....',
  '....brbrb....',
  '....bbbbb....',
  '.....bdb.....',
  '...dbbbbbd...',
  '..dbbllbbbd..',
  '..bb.lll.bb..',
  '..bb.lll.bb..',
  '..bd.bbb.db..',
  '..d..bbb..d..',
  '.....bdb.....',
  '....bb.bb....',
  '....bb.bb....',
  '....bd.db....',
  '....bb.bb....',
  '...bbb.bbb...',
  '...dd...dd...',
];

const IMP_ATTACK = [
  '..yo.....oy..',
  '..ob.ddd.bo..',
  '...bdbbbdb...',
  '....brbrb....',
  '....bbbbb....',
  '.....bdb.....',
  '....dbbbbd...',
  '....bllbbb...',
  '.....lll.....',
  '.....lll.....',
  '.....bbb.....',
  '.....bbb.....',
  '.....bdb.....',
  '....bb.bb....',
  '....bb.bb....',
  '....bd.db....',
  '...bbb.bbb...',
  '...dd...dd...',
];

function parseSprite(rows: string[], palette: Record<string, readonly [number, number, number]>): Sprite {
  const width = rows[0]!.length;
  const cells: Sprite['cells'] = [];
  for (const row of rows) {
    if (row.length !== width) throw new Error(`sprite rows must all be ${width} wide, got ${JSON.stringify(row)}`);
    for (const ch of row) {
      if (ch === '.') cells.push(null);
      else {
        const c = palette[ch];
        if (!c) throw new Error(`sprite uses unknown palette key ${JSON.stringify(ch)}`);
        cells.push(c);
      }
    }
  }
  return { width, height: rows.length, cells };
}

export const IMP_WALK_SPRITE = parseSprite(IMP_WALK, IMP_PALETTE);
export const IMP_ATTACK_SPRITE = parseSprite(IMP_ATTACK, IMP_PALETTE);
