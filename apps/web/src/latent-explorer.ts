/** Range of each z slider: ±3 standard deviations of V's N(0, 1) prior. */
export const LATENT_RANGE = 3;

/**
 * One slider per z dimension; moving any of them calls `render` with the whole z, which the page
 * decodes with V (the paper's Figure of V's latent space, made interactive).
 */
export class LatentExplorer {
  private readonly z: Float32Array;
  private readonly sliders: HTMLInputElement[] = [];

  constructor(container: HTMLElement, zSize: number, private readonly render: (z: Float32Array) => void) {
    this.z = new Float32Array(zSize);
    container.replaceChildren();
    for (let d = 0; d < zSize; d++) {
      const label = document.createElement('label');
      label.textContent = `z${d}`;
      const slider = document.createElement('input');
      slider.type = 'range';
      slider.min = String(-LATENT_RANGE);
      slider.max = String(LATENT_RANGE);
      slider.step = '0.01';
      slider.value = '0';
      slider.dataset.dim = String(d);
      slider.setAttribute('aria-label', `latent dimension ${d}`);
      slider.addEventListener('input', () => {
        this.z[d] = Number(slider.value);
        this.render(this.z);
      });
      label.append(slider);
      container.append(label);
      this.sliders.push(slider);
    }
    this.render(this.z);
  }

  /** Moves every slider to `z` (clipped to the range) and renders it. */
  set(z: ArrayLike<number>): void {
    for (let d = 0; d < this.z.length; d++) {
      const v = Math.max(-LATENT_RANGE, Math.min(LATENT_RANGE, z[d] ?? 0));
      this.z[d] = v;
      this.sliders[d]!.value = String(v);
    }
    this.render(this.z);
  }
}
