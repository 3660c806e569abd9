// Reference data for Minhang district sample rows: area codes, streets and towns, roads, names, industries.

export const MINHANG_AREA_CODE = '310112';

/** Other Shanghai districts: Huangpu, Xuhui, Changning, Jing'an, Putuo, Hongkou, Yangpu, Baoshan, Pudong, Songjiang. */
export const SHANGHAI_AREA_CODES = ['310101', '310104', '310105', '310106', '310107', '310109', '310110', '310113', '310115', '310117'] as const;

/** Nanjing Xuanwu, Hangzhou Xihu, Hefei Baohe, Zhengzhou Erqi, Chengdu Wuhou. */
export const OTHER_PROVINCE_AREA_CODES = ['320102', '330106', '340104', '410105', '510107'] as const;

export interface Street {
  /** Canonical name as in the district's street and town list. */
  readonly name: string;
  /** The short form people write instead. */
  readonly alias: string;
  readonly roads: readonly string[];
}

export const MINHANG_STREETS: readonly Street[] = [
  { name: '江川路街道', alias: '江川', roads: ['江川路', '沧源路', '华宁路', '鹤庆路', '东川路'] },
  { name: '古美路街道', alias: '古美', roads: ['古美路', '平阳路', '顾戴路', '万源路', '平南路'] },
  { name: '新虹街道', alias: '新虹', roads: ['申长路', '申虹路', '紫秀路', '甬虹路'] },
  { name: '浦锦街道', alias: '浦锦', roads: ['浦锦路', '丰南路', '芦恒路', '浦驰路'] },
  { name: '莘庄镇', alias: '莘庄', roads: ['莘东路', '莘松路', '沁春路', '莘建路', '水清路'] },
  { name: '七宝镇', alias: '七宝', roads: ['七莘路', '漕宝路', '新镇路', '农南路', '青杉路'] },
  { name: '颛桥镇', alias: '颛桥', roads: ['颛兴路', '都市路', '银都路', '北松公路'] },
  { name: '华漕镇', alias: '华漕', roads: ['华漕路', '纪翟路', '北翟路', '金丰路'] },
  { name: '虹桥镇', alias: '虹桥', roads: ['虹梅路', '吴中路', '虹莘路', '红松路', '虹泉路'] },
  { name: '梅陇镇', alias: '梅陇', roads: ['莲花南路', '梅富路', '春申路', '沪闵路'] },
  { name: '吴泾镇', alias: '吴泾', roads: ['龙吴路', '剑川路', '永德路', '虹梅南路'] },
  { name: '马桥镇', alias: '马桥', roads: ['元江路', '友东路', '俞塘路', '银春路'] },
  { name: '浦江镇', alias: '浦江', roads: ['浦星公路', '陈行公路', '联航路', '沈杜公路', '江月路'] },
];

/** alias -> canonical street or town name. */
export const STREET_ALIASES: ReadonlyMap<string, string> = new Map(MINHANG_STREETS.map((s) => [s.alias, s.name]));

/** The official street and town names, in list order: the code table rules check against. */
export const MINHANG_STREET_NAMES: readonly string[] = MINHANG_STREETS.map((s) => s.name);

/** alias -> official name as a plain object: the value_map normaliser's `map` parameter. */
export const MINHANG_STREET_ALIAS_MAP: Readonly<Record<string, string>> = Object.fromEntries(STREET_ALIASES);

export const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '高',
  '林',
  '罗',
  '郑',
  '梁',
  '谢',
  '宋',
  '唐',
  '许',
  '韩',
  '冯',
  '邓',
  '曹',
  '彭',
  '曾',
  '肖',
  '田',
  '董',
  '袁',
  '潘',
  '蒋',
  '蔡',
  '余',
  '杜',
  '叶',
  '程',
  '苏',
  '魏',
  '吕',
  '丁',
  '沈',
  '姚',
  '卢',
  '姜',
  '钟',
  '陆',
  '汪',
  '范',
  '金',
  '石',
  '顾',
  '毛',
  '钱',
  '严',
  '戴',
  '孔',
  '汤',
  '倪',
  '施',
  '陶',
  '翁',
  '龚',
  '邵',
] as const;

/** Rare but real two-character surnames, used now and then. */
export const COMPOUND_SURNAMES = ['欧阳', '司马', '上官', '诸葛'] as const;

export const GIVEN_MALE = [
  '伟',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '杰',
  '涛',
  '明',
  '超',
  '刚',
  '建',
  '文',
  '辉',
  '斌',
  '宇',
  '浩',
  '凯',
  '鹏',
  '俊',
  '峰',
  '波',
  '志',
  '国',
  '海',
  '天',
  '睿',
  '轩',
  '博',
  '晨',
] as const;

export const GIVEN_FEMALE = [
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '艳',
  '娟',
  '秀',
  '霞',
  '英',
  '玉',
  '萍',
  '红',
  '婷',
  '雪',
  '琳',
  '怡',
  '欣',
  '颖',
  '慧',
  '雅',
  '倩',
  '蕾',
  '玲',
  '燕',
  '洁',
  '梅',
  '琴',
  '璐',
  '萱',
] as const;

export const GIVEN_NEUTRAL = ['华', '平', '晓', '佳', '嘉', '子', '思', '一', '文', '清', '安', '宁', '诗', '雨', '梓'] as const;

/** Two-character trade names for enterprise names (上海{trade}{business}有限公司). */
export const TRADE_NAME_CHARS = [
  '华',
  '新',
  '恒',
  '信',
  '达',
  '鑫',
  '盛',
  '荣',
  '诚',
  '泰',
  '嘉',
  '禾',
  '瑞',
  '丰',
  '锦',
  '宏',
  '远',
  '博',
  '创',
  '智',
  '联',
  '汇',
  '通',
  '德',
  '益',
  '源',
  '星',
  '辰',
  '安',
  '和',
  '晟',
  '昊',
  '润',
  '卓',
  '致',
  '优',
  '易',
  '云',
  '启',
  '明',
  '悦',
  '峰',
  '航',
  '宇',
  '闵',
  '申',
  '江',
  '浦',
  '虹',
  '沪',
] as const;

export interface Industry {
  /** GB/T 4754 section name. */
  readonly name: string;
  /** Words that go into a company name in this industry. */
  readonly business: readonly string[];
}

export const INDUSTRIES: readonly Industry[] = [
  { name: '信息传输、软件和信息技术服务业', business: ['科技', '信息技术', '软件', '网络科技', '数据科技'] },
  { name: '批发和零售业', business: ['贸易', '商贸', '实业', '食品销售'] },
  { name: '制造业', business: ['机械制造', '电子', '新材料', '精密模具', '汽车零部件'] },
  { name: '住宿和餐饮业', business: ['餐饮管理', '酒店管理'] },
  { name: '租赁和商务服务业', business: ['企业管理咨询', '商务咨询', '人力资源', '广告'] },
  { name: '科学研究和技术服务业', business: ['生物科技', '检测技术', '工程技术', '医药科技'] },
  { name: '建筑业', business: ['建设工程', '建筑装饰工程', '机电安装工程'] },
  { name: '交通运输、仓储和邮政业', business: ['物流', '供应链管理', '货运代理'] },
  { name: '房地产业', business: ['物业管理', '房地产经纪'] },
  { name: '文化、体育和娱乐业', business: ['文化传播', '体育发展', '影视文化'] },
  { name: '居民服务、修理和其他服务业', business: ['家政服务', '汽车维修', '保洁服务'] },
  { name: '卫生和社会工作', business: ['养老服务', '健康管理'] },
];

/** Mainland mobile prefixes in real use (all match ^1[3-9]). */
export const MOBILE_PREFIXES = [
  '130',
  '131',
  '132',
  '133',
  '134',
  '135',
  '136',
  '137',
  '138',
  '139',
  '145',
  '147',
  '150',
  '151',
  '152',
  '153',
  '155',
  '156',
  '157',
  '158',
  '159',
  '166',
  '173',
  '175',
  '176',
  '177',
  '178',
  '180',
  '181',
  '182',
  '183',
  '184',
  '185',
  '186',
  '187',
  '188',
  '189',
  '191',
  '193',
  '195',
  '198',
  '199',
] as const;

/** Minhang landlines: Shanghai area code 021 and 8-digit numbers starting 5 or 6. */
export const LANDLINE_PREFIXES = ['5', '6'] as const;
