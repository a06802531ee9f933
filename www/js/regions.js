// Human names of OSS regions (as Alibaba Cloud's console shows them), beside the IDs the API
// uses. An unknown region shows its ID only.

const NAMES = {
  'cn-hangzhou': 'China (Hangzhou)',
  'cn-shanghai': 'China (Shanghai)',
  'cn-nanjing': 'China (Nanjing)',
  'cn-fuzhou': 'China (Fuzhou)',
  'cn-wuhan-lr': 'China (Wuhan)',
  'cn-qingdao': 'China (Qingdao)',
  'cn-beijing': 'China (Beijing)',
  'cn-zhangjiakou': 'China (Zhangjiakou)',
  'cn-huhehaote': 'China (Hohhot)',
  'cn-wulanchabu': 'China (Ulanqab)',
  'cn-shenzhen': 'China (Shenzhen)',
  'cn-heyuan': 'China (Heyuan)',
  'cn-guangzhou': 'China (Guangzhou)',
  'cn-chengdu': 'China (Chengdu)',
  'cn-hongkong': 'China (Hong Kong)',
  'ap-northeast-1': 'Japan (Tokyo)',
  'ap-northeast-2': 'South Korea (Seoul)',
  'ap-southeast-1': 'Singapore',
  'ap-southeast-3': 'Malaysia (Kuala Lumpur)',
  'ap-southeast-5': 'Indonesia (Jakarta)',
  'ap-southeast-6': 'Philippines (Manila)',
  'ap-southeast-7': 'Thailand (Bangkok)',
  'eu-central-1': 'Germany (Frankfurt)',
  'eu-west-1': 'UK (London)',
  'us-west-1': 'US (Silicon Valley)',
  'us-east-1': 'US (Virginia)',
  'me-east-1': 'UAE (Dubai)',
  'me-central-1': 'Saudi Arabia (Riyadh)',
};

/** `China (Beijing)` for `oss-cn-beijing` or `cn-beijing`; undefined when unknown. */
export function regionName(location) {
  return NAMES[String(location ?? '').replace(/^oss-/, '')];
}

/** `oss-cn-beijing · China (Beijing)`, or the ID alone when the name is unknown. */
export function regionLabel(location) {
  const name = regionName(location);
  return name ? `${location} · ${name}` : String(location ?? '');
}
