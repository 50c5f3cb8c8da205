import type { BrowserContext, Page } from 'playwright-core';

/** One VS Code window (a browser page) driven the way a person would. */
export class Workbench {
  readonly page: Page;
  readonly name: string;

  private constructor(page: Page, name: string) {
    this.page = page;
    this.name = name;
  }

  /** Opens a window on `folder`: `openedAt` is just before the page loads, `shownAt` when the workbench is visible. */
  static async open(context: BrowserContext, baseUrl: string, folder: string, name: string): Promise<{ window: Workbench; openedAt: number; shownAt: number }> {
    const page = await context.newPage();
    const openedAt = Date.now();
    await page.goto(`${baseUrl}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    return { window: new Workbench(page, name), openedAt, shownAt: Date.now() };
  }

  /** The browser's clipboard (what VS Code's clipboard API wrote); needs the clipboard-read permission. */
  async clipboardText(): Promise<string> {
    return String(await this.page.evaluate('navigator.clipboard.readText()'));
  }

  /** Types into the open input box (showInputBox) and accepts it. */
  async answerInputBox(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /**
   * The visible text of the active editor with every run of white space made one space
   * (Monaco renders spaces as no-break spaces, and wraps long lines), once it matches `contains`.
   */
  async activeEditorText(contains: RegExp, timeout = 10_000): Promise<string> {
    const expression = `(() => {
      const lines = document.querySelector('.editor-group-container.active .monaco-editor .view-lines');
      const text = lines ? lines.innerText.replace(/\\s+/g, ' ') : '';
      return new RegExp(${JSON.stringify(contains.source)}, ${JSON.stringify(contains.flags)}).test(text) ? text : undefined;
    })()`;
    const handle = await this.page.waitForFunction(expression, undefined, { timeout });
    return String(await handle.jsonValue());
  }

  /**
   * Opens "MCP: List Servers" (VS Code's own list of MCP servers) and waits for
   * the row of `server` whose state matches; rows are labelled "<name>, <state>, <collection>".
   */
  async showMcpServers(server: string, state: RegExp, timeout = 20_000): Promise<string> {
    await this.runCommand('MCP: List Servers');
    // A string, evaluated in the page (this project's TypeScript has no DOM types).
    const expression = `[...document.querySelectorAll('.quick-input-widget .quick-input-list .monaco-list-row')]
      .map((row) => row.getAttribute('aria-label') ?? '')
      .find((label) => label.startsWith(${JSON.stringify(`${server}, `)}) && new RegExp(${JSON.stringify(state.source)}).test(label))`;
    const handle = await this.page.waitForFunction(expression, undefined, { timeout });
    return String(await handle.jsonValue());
  }

  /** Resolves when Baton's status bar item shows text matching `pattern`. */
  async waitForStatus(pattern: RegExp, timeout = 30_000): Promise<string> {
    const item = this.page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: pattern }).first();
    await item.waitFor({ state: 'visible', timeout });
    return (await item.innerText()).trim();
  }

  /**
   * Runs a command from the command palette: F1, its title, and a click on the row whose
   * label is exactly that title (the palette puts recently used commands first, so the top
   * row may be another command that merely matches).
   */
  async runCommand(title: string): Promise<void> {
    await this.showCommands(title);
    const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    await this.page.locator('.quick-input-list .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: exact }) }).first().click();
  }

  /** Types into the open quick pick and waits for a row matching `row`, then accepts it. */
  async pickFromQuickInput(text: string, row: RegExp, timeout = 30_000): Promise<string> {
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
    const match = this.page.locator('.quick-input-list .monaco-list-row', { hasText: row }).first();
    await match.waitFor({ state: 'visible', timeout });
    const label = (await match.innerText()).trim();
    await match.click();
    return label;
  }

  async waitForNotification(pattern: RegExp, timeout = 10_000): Promise<string> {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: pattern }).first();
    await toast.waitFor({ state: 'visible', timeout });
    return (await toast.innerText()).trim();
  }

  /** The status bar's cursor position, e.g. "Ln 4, Col 17 (21 selected)", once it matches `pattern`. */
  async cursorPosition(pattern: RegExp, timeout = 10_000): Promise<string> {
    const item = this.page.locator('[id="status.editor.selection"]', { hasText: pattern }).first();
    await item.waitFor({ state: 'visible', timeout });
    return (await item.innerText()).trim();
  }

  async activeEditorTitle(): Promise<string> {
    const tab = this.page.locator('.tabs-container .tab.active').first();
    await tab.waitFor({ state: 'visible' });
    return (await tab.innerText()).trim();
  }

  /** A screenshot once animations have settled (toasts and quick inputs slide in), or at once with `settle: false`. */
  async screenshot(file: string, settle = true): Promise<void> {
    if (settle) await this.page
      .waitForFunction("document.getAnimations().every((animation) => animation.playState !== 'running')", undefined, { timeout: 3000 })
      .catch(() => undefined);
    await this.page.screenshot({ path: file });
  }

  /** Hovers Baton's status bar item until its tooltip (hover) shows. */
  /**
   * Hovers the status bar item until its tooltip shows. The item re-renders when
   * its text changes (progress, role), and a hover that began on the old element
   * shows nothing: the pointer leaves and hovers again, three times at most.
   */
  async hoverStatus(pattern: RegExp): Promise<void> {
    const hover = this.page.locator('.monaco-hover, .workbench-hover').first();
    for (let attempt = 1; ; attempt++) {
      await this.page.mouse.move(0, 0);
      await this.page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: pattern }).first().hover();
      try {
        await hover.waitFor({ state: 'visible', timeout: 4_000 });
        return;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  }

  /** Opens the command palette filtered to `prefix` and leaves it open. */
  async showCommands(prefix: string): Promise<void> {
    await this.focus();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${prefix}`);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: prefix }).first().waitFor({ state: 'visible' });
  }

  async pressEscape(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }

  async close(): Promise<void> {
    await this.page.close();
  }

  private async focus(): Promise<void> {
    await this.page.locator('.monaco-workbench').click({ position: { x: 600, y: 300 } }).catch(() => undefined);
  }
}
