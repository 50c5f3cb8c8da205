import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GrammarLoader } from '../../src/engine/chunk/grammars.ts';
import { languageOf } from '../../src/engine/languages.ts';
import { extractDefinitions } from '../../src/engine/symbols/extract-definitions.ts';
import type { SymbolDefinition } from '../../src/engine/symbols/symbol.ts';
import { SAMPLES, type Sample } from '../fixtures/chunker/samples.ts';
import { FORMS } from '../fixtures/symbols/forms.ts';

/**
 * Definitions per language, on the chunker's samples (realistic files) and on
 * small files of the forms those lack. Each expected line is
 * "kind container.name line startLine-endLine" (1-based).
 */
const loader = new GrammarLoader();

async function definitionsOf(sample: Sample): Promise<SymbolDefinition[]> {
  const language = languageOf(sample.path);
  assert.ok(language?.grammar, sample.path);
  const tree = await loader.parse(sample.text, language.grammar);
  assert.ok(tree);
  try {
    return extractDefinitions(tree.rootNode, sample.text, language.id);
  } finally {
    tree.delete();
  }
}

function describe(definition: SymbolDefinition): string {
  return `${definition.kind} ${definition.container ? `${definition.container}.` : ''}${definition.name} ${definition.line} ${definition.startLine}-${definition.endLine}`;
}

const EXPECTED_SAMPLES: Record<keyof typeof SAMPLES, string[]> = {
  typescript: [
    'constant DEFAULT_TTL 5 5-5',
    'interface CacheEntry 7 7-10',
    'class TtlCache 13 13-50',
    'method TtlCache.constructor 16 16-16',
    'method TtlCache.get 18 18-26',
    'method TtlCache.set 28 28-30',
    'method TtlCache.getOrLoad 32 32-38',
    'method TtlCache.evictExpired 40 40-49',
    'function readJsonFile 52 52-60',
    'function formatBytes 62 62-71',
  ],
  tsx: [
    'interface TodoListProps 4 4-7',
    'function TodoItem 9 9-16',
    'function TodoList 18 18-38',
    'function EmptyState 40 40-45',
  ],
  javascript: [
    'function matchPath 8 8-18',
    'class Router 20 20-43',
    'method Router.constructor 21 21-24',
    'method Router.add 26 26-29',
    'method Router.handle 31 31-42',
    'function createRouter 45 45-45',
  ],
  python: [
    'class Item 8 7-12',
    'class Inventory 15 15-38',
    'method Inventory.__init__ 18 18-20',
    'method Inventory.add 22 22-27',
    'method Inventory.remove 29 29-34',
    'method Inventory.total_quantity 37 36-38',
    'function load_inventory 41 41-47',
    'function low_stock 50 50-51',
  ],
  go: [
    'variable ErrEmpty 9 9-9',
    'struct Queue 12 12-15',
    'function New 18 18-20',
    'method Queue.Push 23 23-27',
    'method Queue.Pop 30 30-39',
    'method Queue.Len 42 42-46',
    'method Queue.Drain 49 49-55',
  ],
  rust: [
    'struct Matrix 6 6-10',
    'method Matrix.zeros 13 13-15',
    'method Matrix.identity 17 17-23',
    'method Matrix.get 25 25-27',
    'method Matrix.set 29 29-31',
    'type Matrix.Output 35 35-35',
    'method Matrix.mul 37 37-50',
    'method Matrix.fmt 54 54-60',
    'function trace 63 63-65',
  ],
  java: [
    'class Account 10 10-47',
    'method Account.Account 15 15-17',
    'method Account.deposit 19 19-25',
    'method Account.withdraw 27 27-33',
    'method Account.getBalance 35 35-37',
    'method Account.history 39 39-41',
    'method Account.toString 44 43-46',
    'class InsufficientFundsException 49 49-53',
    'method InsufficientFundsException.InsufficientFundsException 50 50-52',
  ],
  c: [
    'struct ring_buffer 6 6-12',
    'type ring_buffer 12 6-12',
    'function ring_buffer_create 14 14-24',
    'function ring_buffer_free 26 26-32',
    'function ring_buffer_push 34 34-43',
    'function ring_buffer_pop 45 45-54',
    'function min_size 56 56-59',
  ],
  cpp: [
    'namespace geometry 5 5-57',
    'class geometry.Shape 7 7-12',
    'method Shape.~Shape 9 9-9',
    'method Shape.area 10 10-10',
    'method Shape.perimeter 11 11-11',
    'class geometry.Circle 14 14-28',
    'method Circle.Circle 16 16-16',
    'method Circle.area 18 18-20',
    'method Circle.perimeter 22 22-24',
    'class geometry.Rectangle 30 30-40',
    'method Rectangle.Rectangle 32 32-32',
    'method Rectangle.area 34 34-34',
    'method Rectangle.perimeter 35 35-35',
    'function geometry.totalArea 42 42-48',
    'function geometry.clamp 51 51-55',
  ],
  csharp: [
    'namespace Shop.Services 5 5-53',
    'class Shop.Services.OrderLine 7 7-7',
    'interface Shop.Services.IOrderRepository 9 9-13',
    'method IOrderRepository.Save 11 11-11',
    'method IOrderRepository.Find 12 12-12',
    'class Shop.Services.Order 15 15-21',
    'class Shop.Services.OrderService 23 23-52',
    'method OrderService.OrderService 27 27-30',
    'method OrderService.PlaceOrder 32 32-42',
    'method OrderService.QuoteDiscount 44 44-51',
  ],
  ruby: [
    'module Library 3 3-50',
    'class Library.Book 5 5-17',
    'method Book.initialize 8 8-12',
    'method Book.to_s 14 14-16',
    'class Library.Catalog 20 20-49',
    'method Catalog.initialize 21 21-24',
    'method Catalog.add 26 26-30',
    'method Catalog.lend 32 32-38',
    'method Catalog.available 40 40-42',
    'method Catalog.from_rows 44 44-48',
  ],
  php: [
    'namespace App\\Http\\Controller 3 3-3',
    'interface App\\Http\\Controller.Controller 8 8-11',
    'method Controller.handle 10 10-10',
    'class App\\Http\\Controller.UserController 13 13-39',
    'method UserController.__construct 17 17-20',
    'method UserController.handle 22 22-29',
    'method UserController.show 31 31-38',
    'function App\\Http\\Controller.slugify 41 41-46',
  ],
};

const EXPECTED_FORMS: Record<string, string[]> = {
  tsx: [
    'type Props 2 2-2',
    'function Button 3 3-3',
    'class Page 4 4-9',
    'method Page.handleClick 5 5-5',
    'method Page.render 6 6-8',
    'function useCounter 10 10-14',
    'function useCounter.step 11 11-11',
  ],
  javascript: [
    'function Parser 2 2-4',
    'method Parser.parse 5 5-9',
    'function parse.helper 6 6-6',
    'function createParser 10 10-10',
    'constant settings 12 12-12',
    'function insideWrapper 14 14-14',
    'variable wrapped 15 15-15',
    'class Emitter 17 17-17',
    'method Emitter.secret 17 17-17',
    'method Emitter.onEvent 17 17-17',
    'method Emitter.create 17 17-17',
    'variable counter 18 18-18',
    'function other 18 18-18',
    'constant destructured 19 19-19',
  ],
  typescript: [
    'namespace Geometry 1 1-5',
    'interface Geometry.Point 2 2-2',
    'method Point.distance 2 2-2',
    'type Geometry.Pair 3 3-3',
    'constant Geometry.ORIGIN 4 4-4',
    'module events 6 6-8',
    'function events.once 7 7-7',
    'enum Color 9 9-9',
    'class Shape 10 10-13',
    'method Shape.area 11 11-11',
    'method Shape.describe 12 12-12',
    'function overload 14 14-14',
    'function overload 15 15-15',
    'function overload 16 16-16',
  ],
  python: [
    'constant MAX_RETRIES 2 2-2',
    'variable default_timeout 3 3-3',
    'function retry 5 5-10',
    'function retry.wrapper 7 6-9',
    'class Service 12 12-20',
    'method Service.call 16 15-17',
    'class Service.Config 19 19-20',
    'function main 23 23-24',
  ],
  go: [
    'constant DefaultSize 4 4-4',
    'constant maxSize 5 5-5',
    'constant minSize 5 5-5',
    'interface Reader 8 8-10',
    'method Reader.Read 9 9-9',
    'type ID 12 12-12',
    'type Count 13 13-13',
    'struct Cache 15 15-15',
    'method Cache.Get 17 17-20',
  ],
  rust: [
    'module geometry 1 1-10',
    'trait geometry.Area 2 2-5',
    'method Area.area 3 3-3',
    'method Area.describe 4 4-4',
    'enum geometry.Shape 6 6-6',
    'method Shape.area 8 8-8',
    'constant LIMIT 11 11-11',
    'variable COUNTER 12 12-12',
    'type Result 13 13-13',
    'struct Bits 14 14-14',
    'function outer 15 15-18',
    'function outer.inner 16 16-16',
  ],
  java: [
    'class Point 3 3-3',
    'interface Named 5 5-8',
    'constant Named.PREFIX 6 6-6',
    'method Named.name 7 7-7',
    'class Config 10 10-20',
    'constant Config.MAX 11 11-11',
    'enum Config.Mode 14 14-14',
    'method Mode.apply 14 14-14',
    'method Config.name 17 16-17',
    'class Config.Builder 19 19-19',
    'method Builder.build 19 19-19',
  ],
  c: [
    'constant CONFIG_H 2 2-2',
    'constant MAX_ITEMS 3 3-3',
    'function MIN 4 4-4',
    'struct config 6 6-6',
    'type config_t 6 6-6',
    'enum level 7 7-7',
    'constant DEFAULT_LEVEL 10 10-10',
    'variable global_counter 11 11-11',
    'function config_load 13 13-16',
  ],
  cpp: [
    'namespace ui 1 1-8',
    'class ui.Widget 2 2-7',
    'method Widget.Widget 4 4-4',
    'method Widget.draw 5 5-5',
    'method Widget.size 6 6-6',
    'method ui::Widget.Widget 9 9-9',
    'method ui::Widget.draw 10 10-10',
    'function twice 11 11-11',
    'type Id 12 12-12',
    'function c_entry 13 13-13',
  ],
  csharp: [
    'namespace Bank.Models 1 1-1',
    'struct Bank.Models.Money 3 3-3',
    'type Bank.Models.Changed 4 4-4',
    'enum Bank.Models.Kind 5 5-5',
    'class Bank.Models.Account 6 6-14',
    'constant Account.Limit 8 8-8',
    'method Account.Account 10 10-10',
    'method Account.~Account 11 11-11',
    'method Account.Deposit 12 12-12',
    'interface Account.IAudit 13 13-13',
    'method IAudit.Log 13 13-13',
  ],
  ruby: [
    'constant VERSION 1 1-1',
    'function helper 3 3-5',
    'module Shop 7 7-20',
    'constant Shop.TAX 8 8-8',
    'class Shop.Cart 9 9-19',
    'method Cart.empty 11 11-13',
    'method Cart.build 16 16-18',
    'class Shop.Order 22 22-24',
    'method Order.total 23 23-23',
  ],
  php: [
    'namespace App\\Store 2 2-11',
    'constant App\\Store.VERSION 3 3-3',
    'trait App\\Store.Loggable 4 4-4',
    'method Loggable.log 4 4-4',
    'enum App\\Store.Status 5 5-5',
    'class App\\Store.Repository 6 6-9',
    'constant Repository.TABLE 7 7-7',
    'method Repository.find 8 8-8',
    'function App\\Store.helper 10 10-10',
  ],
};

for (const [language, expected] of Object.entries(EXPECTED_SAMPLES)) {
  test(`${language}: definitions of the sample, with kinds, containers and lines`, async () => {
    const sample = SAMPLES[language as keyof typeof SAMPLES];
    assert.deepEqual((await definitionsOf(sample)).map(describe), expected);
  });
}

for (const [language, expected] of Object.entries(EXPECTED_FORMS)) {
  test(`${language}: the other definition forms (and no locals)`, async () => {
    const sample = FORMS[language];
    assert.ok(sample);
    assert.deepEqual((await definitionsOf(sample)).map(describe), expected);
  });
}

test('every language of the samples has forms, and the twelve are covered', () => {
  assert.deepEqual(Object.keys(EXPECTED_FORMS).sort(), Object.keys(SAMPLES).sort());
  assert.equal(Object.keys(SAMPLES).length, 12);
});

test('a file that does not parse cleanly still yields the definitions it holds', async () => {
  const broken: Sample = { path: 'src/broken.ts', text: 'export function ok() {}\nfunction (( {\nexport class Still { method() {} }\n' };
  const names = (await definitionsOf(broken)).map((definition) => definition.name);
  assert.ok(names.includes('ok'), names.join());
});
